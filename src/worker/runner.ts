import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import type { AppContext } from "../context.js";
import { startLiveness } from "../ops/liveness/index.js";
import { metricsOf } from "../ops/metrics/racesync.js";
import { observeEventLatency } from "../ops/metrics/event-latency.js";
import { observeJobs } from "../ops/metrics/worker-events.js";
import { makeCrontab, makeTasks } from "./tasks.js";

export interface WorkerOptions {
  concurrency?: number;
  pollInterval?: number;
}

/** Starts a Graphile Worker runner on the shared database. */
export async function startWorker(ctx: AppContext, opts: WorkerOptions = {}): Promise<Runner> {
  const log = ctx.log.child({ component: "worker" });
  const events: WorkerEvents = new EventEmitter();
  observeJobs(events, metricsOf(ctx));
  observeEventLatency(events, ctx.sql, metricsOf(ctx));
  const liveness = startLiveness(ctx, events);
  const runner = await run({
    events,
    connectionString: ctx.database.url,
    concurrency: opts.concurrency ?? 8,
    // Jobs deferred to a rate-limit window's reopening are found by polling: keep that delay
    // under 5% of a window (1 s for Strava's 15 minutes; faster when tests compress time).
    pollInterval: opts.pollInterval ?? Math.min(1000, ctx.config.strava.windowSeconds * 50),
    noHandleSignals: true,
    taskList: makeTasks(ctx),
    crontab: makeCrontab(ctx),
    logger: new Logger((scope) => (level, message, meta) => {
      const line = { ...scope, ...meta };
      if (level === "error") log.error(line, message);
      else if (level === "warning") log.warn(line, message);
      else log.debug(line, message);
    }),
  }).catch(async (err) => {
    await liveness.stop();
    throw err;
  });
  // Heartbeats go on while running jobs finish, so a slow graceful stop is not mistaken for a death.
  return { ...runner, stop: async (reason) => { await runner.stop(reason); await liveness.stop(); } };
}
