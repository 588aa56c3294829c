// `npm run db:migrate` (in the image: `node dist/cli/migrate.js`): racesync's and Graphile
// Worker's migrations, applied to DATABASE_URL.
import { readEnvironment } from "../config.js";
import { migrateDatabase } from "../db/migrate.js";

const url = readEnvironment().DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (racesync migrates its embedded Postgres by itself at start).");
  process.exit(1);
}
await migrateDatabase(url);
console.log("✓ migrations applied");
