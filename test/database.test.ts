import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../src/db/embedded.js";
import { isRunning } from "../src/lifecycle/processes.js";
import { StartupError } from "../src/lifecycle/startup-error.js";
import { migrateDatabase, migrationsCurrent } from "../src/db/migrate.js";
import { createTestDatabase } from "./support/database.js";
import { freePort } from "./support/net.js";
import { processesIn } from "./ops/checkout.js";
import { waitFor } from "./support/wait.js";

describe("migrations", () => {
  it("apply to an empty database, are idempotent, and install Graphile Worker", async () => {
    const db = await createTestDatabase();
    try {
      await migrateDatabase(db.url);
      await Promise.all([migrateDatabase(db.url), migrateDatabase(db.url)]);
      expect(await migrationsCurrent(db.context().verbDb)).toBe(true);
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

  async function orphanedChild(dataDir: string, port: number): Promise<{ child: ChildProcess; serverPid: number }> {
    const child = spawn("node", ["--import", "tsx", "test/fixtures/embedded-child.ts", dataDir, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
    await once(child.stdout!, "data");
    const serverPid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    return { child, serverPid };
  }

  it("a server whose racesync was SIGKILLed is stopped by its watchdog", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const { child, serverPid } = await orphanedChild(dataDir, await freePort());
    child.kill("SIGKILL");
    await waitFor(() => !isRunning(serverPid), "the orphaned server to stop", 10_000);
    expect(await processesIn(dataDir)).toEqual([]);
  });

  it("takes over a data directory whose server outlived both racesync and its watchdog", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    const { child, serverPid } = await orphanedChild(dataDir, port);
    const watchdog = (await processesIn(dataDir)).find((p) => p.includes("racesync-postgres-watchdog"))!;
    process.kill(Number(watchdog.split(" ")[0]), "SIGKILL");
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(isRunning(serverPid)).toBe(true); // the orphan is still running

    const again = await startEmbeddedPostgres({ dataDir, port });
    const sql = postgres(again.url, { max: 1 });
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
    await sql.end();
    await again.stop();
    expect(isRunning(serverPid)).toBe(false);
  });

  it("takes another free port when the preferred one is taken", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const pg = await startEmbeddedPostgres({ dataDir, port: taken });
      expect(pg.port).not.toBe(taken);
      const sql = postgres(pg.url, { max: 1 });
      expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
      await sql.end();
      await pg.stop();
    } finally {
      squatter.close();
    }
  });

  it("a stop asked for during initdb ends it, leaves nothing running, and the next start initialises afresh", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    const abort = new AbortController();
    const starting = startEmbeddedPostgres({ dataDir, port, signal: abort.signal });
    await waitFor(async () => (await processesIn(dataDir)).some((p) => p.includes("initdb")), "initdb to run");
    abort.abort(new Error("stop requested"));
    await expect(starting).rejects.toThrow("stop requested");
    expect(await processesIn(dataDir)).toEqual([]);
    const pg = await startEmbeddedPostgres({ dataDir, port });
    await pg.stop();
  });

  it("a data directory that cannot be used: one line naming it and DATABASE_URL", async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(parent);
    await writeFile(path.join(parent, "data"), "a file, not a directory");
    const failure = startEmbeddedPostgres({ dataDir: path.join(parent, "data", "postgres"), port: await freePort() });
    await expect(failure).rejects.toThrow(StartupError);
    await expect(failure).rejects.toThrow(/^cannot use .*\/data\/postgres for the embedded Postgres \(.+\): make it a writable directory, or set DATABASE_URL/);
  });

  it("a server that cannot start: one line with Postgres' own reason, nothing left running", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-embedded-"));
    dirs.push(dataDir);
    const port = await freePort();
    await (await startEmbeddedPostgres({ dataDir, port })).stop();
    await appendFile(path.join(dataDir, "postgresql.conf"), "\nshared_buffers = banana\n");
    const failure = startEmbeddedPostgres({ dataDir, port });
    await expect(failure).rejects.toThrow(StartupError);
    await expect(failure).rejects.toThrow(/^the embedded Postgres could not start \(exit 1\): .*shared_buffers.*Set DATABASE_URL/);
    expect(await processesIn(dataDir)).toEqual([]);
  });
});
