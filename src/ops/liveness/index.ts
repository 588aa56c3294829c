import type { WorkerEvents } from "graphile-worker";
import type { AppContext } from "../../context.js";
import { beat, forgetWorkers, trackWorkerIds } from "./heartbeat.js";
import { releaseDeadWorkerJobs } from "./sweeper.js";

export interface LivenessOptions {
  beatMs?: number;
  sweepMs?: number;
}

export interface Liveness {
  stop(): Promise<void>;
}

/**
 * Crash recovery for one worker process: heartbeats for its own pools and a sweeper that frees
 * jobs held by dead processes, so a SIGKILLed worker's job resumes elsewhere within
 * WORKER_DEAD_AFTER_S plus one sweep. Attach before `run()` so `pool:create` is seen.
 */
export function startLiveness(ctx: AppContext, events: WorkerEvents, opts: LivenessOptions = {}): Liveness {
  const log = ctx.log.child({ component: "liveness" });
  const ids = trackWorkerIds(events);
  const deadAfter = ctx.config.workerDeadAfterSeconds;
  const beatMs = opts.beatMs ?? Math.min(10_000, (deadAfter * 1000) / 4);
  const sweepMs = opts.sweepMs ?? Math.min(15_000, (deadAfter * 1000) / 2);

  const heartbeat = () => beat(ctx.sql, ids).catch((err) => log.warn({ err: String(err) }, "heartbeat failed"));
  const sweep = async () => {
    try {
      const released = await releaseDeadWorkerJobs(ctx.sql, deadAfter);
      if (released.length > 0) log.warn({ workerIds: released }, "released jobs held by dead workers");
    } catch (err) {
      log.warn({ err: String(err) }, "sweep failed");
    }
  };
  events.on("pool:create", () => void heartbeat());
  const timers = [setInterval(heartbeat, beatMs), setInterval(sweep, sweepMs)];
  timers.forEach((t) => t.unref());

  return {
    async stop() {
      timers.forEach(clearInterval);
      await forgetWorkers(ctx.sql, ids).catch(() => undefined);
    },
  };
}
