import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import type { Socket } from "node:net";
import path from "node:path";
import { isRunning } from "../lifecycle/processes.js";

/*
 * An embedded Postgres never outlives the racesync that started it for long. racesync stops it on
 * every exit it sees (signals, crashes, start-up errors); the two defences below cover the exits it
 * cannot see (SIGKILL, the OOM killer).
 */

/**
 * A shell blocked reading a pipe whose other end only racesync holds. However racesync ends, the
 * kernel closes the pipe; the shell then stops the server, provided postmaster.pid still names it
 * (so a recycled pid is never signalled).
 */
const WATCHDOG_SCRIPT = 'read -r _; [ "$(head -n 1 "$2/postmaster.pid" 2>/dev/null)" = "$1" ] && kill -INT "$1"';

export interface Watchdog {
  /** Ends the watchdog (the server stopped, or never started). */
  disarm(): Promise<void>;
}

export function startWatchdog(serverPid: number, dataDir: string): Watchdog {
  // Its own session, so that a terminal's Ctrl-C reaches racesync and not the watchdog.
  const shell = spawn("/bin/sh", ["-c", WATCHDOG_SCRIPT, "racesync-postgres-watchdog", String(serverPid), dataDir], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  shell.unref();
  (shell.stdin as Socket).unref();
  const ended = new Promise<void>((resolve) => shell.once("exit", () => resolve()).once("error", () => resolve()));
  return {
    async disarm() {
      shell.ref(); // a caller awaiting the disarm keeps the process alive until the shell is gone
      shell.kill();
      await ended;
    },
  };
}

/** A postmaster.pid left behind means a killed racesync and watchdog (or a host crash): stop that server or clear the file. */
export async function stopOrphanServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid) && (await isPostgres(pid))) {
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

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
