import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../../src/db/embedded.js";
import { migrateDatabase } from "../../../src/db/migrate.js";
import { freePort } from "../../../test/support/net.js";

/** A migrated database for a benchmark: BENCH_DATABASE_URL, or a throwaway embedded Postgres. */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    await migrateDatabase(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-bench-"));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  await migrateDatabase(pg.url);
  return {
    url: pg.url,
    async stop() {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

