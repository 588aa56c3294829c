// `npm run db:migrate`: applies racesync's and Graphile Worker's migrations to DATABASE_URL.
import { migrateDatabase } from "../src/db/migrate.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (racesync migrates its embedded Postgres by itself at start).");
  process.exit(1);
}
await migrateDatabase(url);
console.log("✓ migrations applied");
