// Loaded before the rest of racesync (see main.ts): light imports only.
import type { Log } from "../log.js";
import { StartupError } from "./startup-error.js";

/** Where a racesync process is; /readyz answers 503 with it until "ready". */
export type Phase =
  | "starting"
  | "starting the simulator"
  | "building the dashboard"
  | "starting embedded Postgres"
  | "migrating"
  | "connecting"
  | "starting worker"
  | "seeding"
  | "ready"
  | "stopping";

/** What the health probes read. */
export interface ServiceState {
  phase: Phase;
  /** Once connected: true when the database answers and every migration is applied (/readyz). */
  migrationsCurrent?: () => Promise<boolean>;
  /** Why the process is no longer alive although it still runs (its worker's runner stopped): /healthz answers 503. */
  failure?: string;
}

export interface StopRequest {
  reason: string;
  exitCode: number;
  /** Date.now() when it was asked for. */
  at: number;
  /** The phase it interrupted. */
  phase: Phase;
}

/** The abort reason once a stop is asked for: start-up steps end with it and start-up unwinds. */
export class StopRequested extends Error {
  override name = "StopRequested";
}

type Release = () => Promise<void> | void;

export interface LifecycleOptions {
  log?: Log;
  shutdownTimeoutMs?: number;
  /** Ends the process (process.exit; replaced in tests). */
  exit?: (code: number) => void;
}

/**
 * One racesync process from its first line to its exit: the start-up phase, what was started
 * (released newest first), and the stop request (a signal, a crash, the parent's exit) with the
 * deadline that bounds every stop.
 */
export class Lifecycle {
  readonly state: ServiceState = { phase: "starting" };
  /** Resolves with the first stop request. */
  readonly stopRequested: Promise<StopRequest>;
  private resolveStopRequested!: (request: StopRequest) => void;
  private request?: StopRequest;
  private readonly abort = new AbortController();
  private readonly releases: Release[] = [];
  private released?: Promise<void>;
  private log?: Log;
  private shutdownTimeoutMs?: number;
  private deadline?: NodeJS.Timeout;
  private readonly exitProcess: (code: number) => void;

  constructor(opts: LifecycleOptions = {}) {
    this.stopRequested = new Promise((resolve) => (this.resolveStopRequested = resolve));
    this.exitProcess = opts.exit ?? ((code) => process.exit(code));
    this.attach(opts);
  }

  /** Aborted when a stop is asked for, so that long start-up steps (a build, initdb) end early. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopRequest(): StopRequest | undefined {
    return this.request;
  }

  /** Connects the log and the deadline once the configuration is known; an earlier stop request is logged and timed from now. */
  attach(opts: { log?: Log; shutdownTimeoutMs?: number }): void {
    this.log = opts.log ?? this.log;
    this.shutdownTimeoutMs = opts.shutdownTimeoutMs ?? this.shutdownTimeoutMs;
    // A stop asked for while racesync was still loading is logged now that there is a log.
    if (this.request && opts.log) this.logStopRequest(this.request);
    this.armDeadline();
  }

  requestStop(reason: string, exitCode = 0): void {
    if (this.request) return;
    this.request = { reason, exitCode, at: Date.now(), phase: this.state.phase };
    this.logStopRequest(this.request);
    this.state.phase = "stopping";
    this.abort.abort(new StopRequested(`stop requested (${reason})`));
    this.armDeadline();
    this.resolveStopRequested(this.request);
  }

  /** Moves start-up on to `phase`; throws StopRequested instead when a stop was asked for meanwhile. */
  enter(phase: Phase): void {
    this.signal.throwIfAborted();
    this.state.phase = phase;
  }

  /** Registers how to release what was just started. */
  defer(release: Release): void {
    this.releases.push(release);
  }

  /** Releases everything started, newest first, once; a release that fails is logged and the others still run. */
  release(): Promise<void> {
    this.released ??= (async () => {
      for (const release of [...this.releases].reverse()) {
        try {
          await release();
        } catch (err) {
          this.log?.warn({ err }, "error while stopping");
        }
      }
    })();
    return this.released;
  }

  /** Ends the process now, without waiting for what is still being released. */
  exit(code: number, message?: string): void {
    if (message) this.say(code === 0 ? "info" : "error", {}, message);
    this.exitProcess(code);
  }

  /** Logs an uncaught exception or unhandled rejection, with its stack. */
  crashed(err: unknown, origin: string): void {
    this.say("fatal", { err, origin }, `crashed (${origin}): ${messageOf(err)}`);
  }

  /** Logs an uncaught exception that racesync knows to be harmless, and goes on. */
  survived(err: unknown, why: string): void {
    this.say("error", { err }, `${why}: ${messageOf(err)}`);
  }

  /** Start-up failed (what was started is released already): one line for a StartupError, else the error and its stack; exit 1. */
  failedToStart(err: unknown): void {
    if (err instanceof StartupError) return this.exit(1, err.message);
    this.say("fatal", { err }, `failed to start: ${messageOf(err)}`);
    this.exitProcess(1);
  }

  /** To the log once there is one; before that (while loading, or a bad configuration) to stderr. */
  private say(level: "info" | "error" | "fatal", fields: { err?: unknown; [key: string]: unknown }, message: string): void {
    if (this.log) return this.log[level](fields, message);
    const stack = level === "fatal" && fields.err instanceof Error ? `\n${fields.err.stack}` : "";
    process.stderr.write(`racesync: ${message}${stack}\n`);
  }

  private logStopRequest({ reason, phase, exitCode }: StopRequest): void {
    const when = phase === "ready" ? "" : ` during start-up (${phase})`;
    this.log?.[exitCode === 0 ? "info" : "error"]({ reason, phase }, `stopping (${reason})${when}: finishing running jobs, closing streams`);
  }

  private armDeadline(): void {
    if (!this.request || this.shutdownTimeoutMs === undefined || this.deadline) return;
    const seconds = this.shutdownTimeoutMs / 1000;
    this.deadline = setTimeout(() => this.exit(1, `did not stop within ${seconds} s (SHUTDOWN_TIMEOUT_S): exiting now`), this.shutdownTimeoutMs);
    this.deadline.unref();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
