import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/embedded.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { freePort } from "./net.js";

/** A Postgres cluster of a test's own, migrated, that the test may restart (same data, same port). */
export interface RestartablePostgres {
  url: string;
  /** Fast shutdown (open transactions rolled back, connections cut), then a start on the same port. */
  restart(): Promise<{ downMs: number }>;
  destroy(): Promise<void>;
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-chaos-pg-"));
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, port, database: "racesync", durable: false });
  let server: EmbeddedDatabase = await start();
  await migrateDatabase(server.url);
  return {
    url: server.url,
    async restart() {
      const stoppedAt = Date.now();
      await server.stop();
      server = await start();
      if (server.port !== port) throw new Error(`Postgres came back on port ${server.port}, not ${port}`);
      return { downMs: Date.now() - stoppedAt };
    },
    async destroy() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
