import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Lifecycle, StopRequested } from "../../src/lifecycle/lifecycle.js";
import { stopOnCrash, stopOnSignals } from "../../src/lifecycle/triggers.js";
import { createLog } from "../../src/log.js";

function lifecycleWithLog(opts: { shutdownTimeoutMs?: number; withLog?: boolean } = {}) {
  const lines: Array<{ level: string; msg: string; err?: { stack?: string } }> = [];
  const exits: number[] = [];
  const log = createLog("info", { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const lifecycle = new Lifecycle({ log: opts.withLog === false ? undefined : log, shutdownTimeoutMs: opts.shutdownTimeoutMs, exit: (code) => void exits.push(code) });
  return { lifecycle, log, lines, exits, said: () => lines.map((l) => l.msg) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("lifecycle", () => {
  it("releases what was started newest first, once, and goes on past a release that fails", async () => {
    const { lifecycle, said } = lifecycleWithLog();
    const order: string[] = [];
    lifecycle.defer(() => void order.push("database"));
    lifecycle.defer(() => {
      throw new Error("worker would not stop");
    });
    lifecycle.defer(async () => void order.push("server"));
    await Promise.all([lifecycle.release(), lifecycle.release()]);
    await lifecycle.release();
    expect(order).toEqual(["server", "database"]);
    expect(said()).toContain("error while stopping");
  });

  it("a stop asked for during start-up ends it at the next phase; the probes then say stopping", () => {
    const { lifecycle, said } = lifecycleWithLog();
    lifecycle.enter("migrating");
    lifecycle.requestStop("SIGTERM");
    expect(lifecycle.signal.aborted).toBe(true);
    expect(() => lifecycle.enter("starting worker")).toThrow(StopRequested);
    expect(lifecycle.state.phase).toBe("stopping");
    expect(lifecycle.stopRequest).toMatchObject({ reason: "SIGTERM", exitCode: 0, phase: "migrating" });
    expect(said()).toEqual(["stopping (SIGTERM) during start-up (migrating): finishing running jobs, closing streams"]);
  });

  it("a stop that takes longer than the deadline ends the process with exit 1", async () => {
    vi.useFakeTimers();
    const { lifecycle, exits, said } = lifecycleWithLog({ shutdownTimeoutMs: 2_000 });
    lifecycle.defer(() => new Promise(() => {})); // never finishes
    lifecycle.requestStop("SIGTERM");
    void lifecycle.release();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
    expect(said()).toContain("did not stop within 2 s (SHUTDOWN_TIMEOUT_S): exiting now");
  });

  it("a stop asked for while racesync is still loading is logged, and timed, once there is a log", async () => {
    vi.useFakeTimers();
    const { lifecycle, log, exits, said } = lifecycleWithLog({ withLog: false });
    lifecycle.requestStop("SIGINT");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exits).toEqual([]);
    lifecycle.attach({ log, shutdownTimeoutMs: 1_000 });
    expect(said()).toEqual(["stopping (SIGINT) during start-up (starting): finishing running jobs, closing streams"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(exits).toEqual([1]);
  });
});

describe("stop triggers", () => {
  it("a signal repeated within a second (npm forwarding a terminal's Ctrl-C) is one request; a later one exits at once", () => {
    vi.useFakeTimers();
    const { lifecycle, exits, said } = lifecycleWithLog();
    const signals = new EventEmitter();
    stopOnSignals(lifecycle, signals);
    signals.emit("SIGINT");
    vi.advanceTimersByTime(300);
    signals.emit("SIGINT");
    expect(lifecycle.stopRequest?.reason).toBe("SIGINT");
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1_000);
    signals.emit("SIGINT");
    expect(exits).toEqual([130]);
    expect(said()).toContain("SIGINT again: exiting now");
  });

  it("SIGTERM and SIGHUP stop too", () => {
    for (const signal of ["SIGTERM", "SIGHUP"]) {
      const { lifecycle } = lifecycleWithLog();
      const signals = new EventEmitter();
      stopOnSignals(lifecycle, signals);
      signals.emit(signal);
      expect(lifecycle.stopRequest).toMatchObject({ reason: signal, exitCode: 0 });
    }
  });

  it("an uncaught exception is logged with its stack and stops with exit code 1", () => {
    const { lifecycle, lines } = lifecycleWithLog();
    const crashes = new EventEmitter();
    stopOnCrash(lifecycle, crashes);
    crashes.emit("uncaughtException", new Error("boom"), "unhandledRejection");
    expect(lifecycle.stopRequest).toMatchObject({ reason: "crash", exitCode: 1 });
    const fatal = lines.find((l) => l.level === "fatal")!;
    expect(fatal.msg).toBe("crashed (unhandledRejection): boom");
    expect(fatal.err?.stack).toContain("lifecycle.test.ts");
  });

  it("the database driver writing to a socket that closed under it (Postgres restarting) is logged and racesync goes on", () => {
    const { lifecycle, lines } = lifecycleWithLog();
    const crashes = new EventEmitter();
    stopOnCrash(lifecycle, crashes);
    const driverBug = new TypeError("Cannot read properties of null (reading 'write')");
    driverBug.stack = `${driverBug.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:483:21)`;
    crashes.emit("uncaughtException", driverBug, "uncaughtException");
    expect(lifecycle.stopRequest).toBeUndefined();
    expect(lines.find((l) => l.level === "error")!.msg).toMatch(/database connection closed under a pending write/);

    crashes.emit("uncaughtException", new TypeError("Cannot read properties of null (reading 'write')"), "uncaughtException");
    expect(lifecycle.stopRequest).toMatchObject({ reason: "crash", exitCode: 1 });
  });
});
