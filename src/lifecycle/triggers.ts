// What asks a racesync process to stop. Loaded before the rest of racesync (see main.ts).
import { constants } from "node:os";
import type { Lifecycle } from "./lifecycle.js";
import { isRunning } from "./processes.js";

const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

/**
 * A repeat within this window is the same request: a terminal's Ctrl-C reaches racesync directly and
 * again through npm, which forwards it.
 */
const SAME_REQUEST_MS = 1000;

/** SIGTERM, SIGINT or SIGHUP stops cleanly; another one later exits at once (the embedded Postgres still stops). */
export function stopOnSignals(lifecycle: Lifecycle, target: Pick<NodeJS.EventEmitter, "on"> = process): void {
  for (const signal of STOP_SIGNALS) {
    target.on(signal, () => {
      const request = lifecycle.stopRequest;
      if (!request) lifecycle.requestStop(signal);
      else if (Date.now() - request.at >= SAME_REQUEST_MS) lifecycle.exit(128 + constants.signals[signal], `${signal} again: exiting now`);
    });
  }
}

/** An uncaught exception or unhandled rejection is logged, then racesync stops cleanly and exits 1. */
export function stopOnCrash(lifecycle: Lifecycle, target: Pick<NodeJS.EventEmitter, "on"> = process): void {
  target.on("uncaughtException", (err: unknown, origin: string) => {
    if (isWriteToClosedDatabaseSocket(err)) return lifecycle.survived(err, "a database connection closed under a pending write; the query on it failed, racesync carries on");
    lifecycle.crashed(err, origin);
    lifecycle.requestStop("crash", 1);
  });
}

/**
 * postgres.js 3.4.9 can write to a connection's socket after the connection closed, when Postgres
 * goes away under load (a restart, a failover): a TypeError thrown outside any caller's reach
 * (upstream issues porsager/postgres#1154 and #1208). The query on that connection has already
 * failed; stopping for it turned every Postgres restart into dead worker processes.
 */
export function isWriteToClosedDatabaseSocket(err: unknown): boolean {
  if (!(err instanceof TypeError) || !err.message.includes("reading 'write'")) return false;
  return /nextWrite[^\n]*postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? "");
}

/**
 * `npm start` passes --stop-with-parent: racesync stops when npm is gone, so that killing npm (even with
 * kill -9) does not leave the service running behind it.
 */
export function stopWithParent(lifecycle: Lifecycle, everyMs = 500): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (!isRunning(parent)) lifecycle.requestStop("parent process exited");
  }, everyMs);
  timer.unref();
  lifecycle.signal.addEventListener("abort", () => clearInterval(timer));
}
