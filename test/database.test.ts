import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../src/db/embedded.js";
import { migrateDatabase, migrationsCurrent } from "../src/db/migrate.js";
import { createTestDatabase } from "./support/database.js";
import { freePort } from "./support/net.js";

describe("migrations", () => {
  it("apply to an empty database, are idempotent, and install Graphile Worker", async () => {
    const db = await createTestDatabase();
    try {
      await migrateDatabase(db.url);
      await Promise.all([migrateDatabase(db.url), migrateDatabase(db.url)]);
      expect(await migrationsCurrent(db.sql)).toBe(true);
      const tables = await db.sql<{ table_name: string }[]>`
        select table_name from information_schema.tables where table_schema = 'public' order by 1`;
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(["athletes", "races", "webhook_events", "sync_runs", "sync_logs", "strava_budget"]),
      );
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs`;
      expect(row!.n).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});

describe("embedded Postgres", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("starts, keeps its data across a restart, and stops cleanly", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port });
    let sql = postgres(first.url, { max: 1 });
    await sql`create table kept (v int)`;
    await sql`insert into kept values (42)`;
    await sql.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port });
    sql = postgres(second.url, { max: 1 });
    expect(await sql`select v from kept`).toEqual([{ v: 42 }]);
    await sql.end();
    await second.stop();
    await expect(readFile(path.join(dataDir, "postmaster.pid"))).rejects.toThrow();
  });

  it("recovers from a stale postmaster.pid left by a killed process", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port });
    await first.stop();
    // A dead pid in postmaster.pid, as after a host crash.
    await writeFile(path.join(dataDir, "postmaster.pid"), `999999\n${dataDir}\n`);
    const second = await startEmbeddedPostgres({ dataDir, port });
    const sql = postgres(second.url, { max: 1 });
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
    await sql.end();
    await second.stop();
  });

  it("takes over a data directory whose server was orphaned by a SIGKILLed process", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    const child = spawn("node", ["--import", "tsx", "test/fixtures/embedded-child.ts", dataDir, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
    await once(child.stdout!, "data");
    child.kill("SIGKILL");
    await once(child, "exit");
    const orphanPid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    expect(() => process.kill(orphanPid, 0)).not.toThrow(); // the orphan is still running

    const again = await startEmbeddedPostgres({ dataDir, port });
    const sql = postgres(again.url, { max: 1 });
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
    await sql.end();
    await again.stop();
    expect(() => process.kill(orphanPid, 0)).toThrow();
  });
});
