import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, realpathSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, readlink, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/net.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * A fresh copy of the repository as a clone of the working tree would be (no dist/, no .data/),
 * sharing this checkout's node_modules.
 */
export async function freshCheckout(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "racesync-checkout-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString()
    .split("\0")
    .filter((f) => f && f !== "node_modules");
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await copyFile(path.join(ROOT, file), path.join(dir, file)).catch(() => {}); // deleted, not yet committed
  }
  await symlink(realpathSync(path.join(ROOT, "node_modules")), path.join(dir, "node_modules"));
  return dir;
}

/** A port P such that P and P + 1100 (the demo simulator's) are both free. */
export async function freeDemoPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 1100 <= 65535 && (await isFree(port + 1100))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once("error", () => resolve(false));
    probe.listen(port, "0.0.0.0", () => probe.close(() => resolve(true)));
  });
}

export interface NpmStart {
  child: ChildProcess;
  /** npm's pid. */
  pid: number;
  /** stdout and stderr, as written to the log file so far. */
  log(): string;
  /** The exit code (or the signal's name) and when it came. */
  exited: Promise<{ code: number | string; at: number }>;
}

/** `npm start` in `dir`, with no configuration but PORT (and `extraEnv`), its output going to a file. */
export function npmStart(dir: string, port: number, extraEnv: Record<string, string> = {}): NpmStart {
  const logFile = path.join(dir, `npm-start-${Date.now()}.log`);
  const fd = openSync(logFile, "w");
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), npm_config_update_notifier: "false", ...extraEnv };
  const child = spawn("npm", ["start"], { cwd: dir, env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<{ code: number | string; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code: code ?? signal ?? -1, at: Date.now() })),
  );
  return { child, pid: child.pid!, log: () => readFileSync(logFile, "utf8"), exited };
}

/** Pids of live processes whose command line or working directory lies in `dir`. */
export async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ");
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
    if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push(`${pid} ${cmdline.trim()}`);
  }
  return found;
}

/** The pid of `parent`'s child whose command line contains `marker`, if it runs yet. */
export async function childOf(parent: number, marker: string): Promise<number | undefined> {
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid !== parent) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(marker)) return Number(pid);
  }
  return undefined;
}

/**
 * True once racesync's own stop handlers are installed. Node itself catches SIGTERM and SIGINT from
 * its first instant (to restore the terminal, then die of the signal), but not SIGHUP, which racesync
 * handles with them: its bit in the SigCgt mask of /proc/<pid>/status tells.
 */
export function handlesStopSignals(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mask = /SigCgt:\s*([0-9a-f]+)/.exec(status)?.[1];
  return mask !== undefined && (BigInt(`0x${mask}`) & 1n) !== 0n; // bit 0: SIGHUP
}
