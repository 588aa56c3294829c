import type { WorkerEvents } from "graphile-worker";
import type { AppContext } from "../../context.js";
import { beat, forgetWorkers, trackRunningJobs, trackWorkerIds } from "./heartbeat.js";
import { findLostOwnJobs, releaseDeadWorkerJobs, unlockLostOwnJobs } from "./sweeper.js";

export interface LivenessOptions {
  beatMs?: number;
  sweepMs?: number;
}

export interface Liveness {
  /** Stops beating, leaving the heartbeats to go stale: live workers' sweepers then release this process's jobs. */
  halt(): void;
  /** A clean stop: stops beating and sweeping and deletes this process's heartbeats. */
  stop(): Promise<void>;
}

/**
 * Crash recovery for one worker process: heartbeats for its own pools and a sweeper that frees
 * jobs held by dead processes, so a SIGKILLed worker's job resumes elsewhere within
 * WORKER_DEAD_AFTER_S plus one sweep, and its own jobs whose completion was lost. Attach before `run()` so `pool:create` is seen.
 */
export function startLiveness(ctx: AppContext, events: WorkerEvents, opts: LivenessOptions = {}): Liveness {
  const log = ctx.log.child({ component: "liveness" });
  // An ended pool's heartbeat is deleted; if the database is down, it goes stale by itself.
  const ids = trackWorkerIds(events, (ended) => void forgetWorkers(ctx.db, [ended]).catch(() => undefined));
  const running = trackRunningJobs(events);
  const deadAfter = ctx.config.workerDeadAfterSeconds;
  const beatMs = opts.beatMs ?? Math.min(10_000, (deadAfter * 1000) / 4);
  const sweepMs = opts.sweepMs ?? Math.min(15_000, (deadAfter * 1000) / 2);
  // When this process's heartbeats started succeeding again (undefined while they fail). After a
  // database outage every worker's heartbeat is stale; each live one beats within one interval of
  // the database coming back, so until then a stale heartbeat may belong to a live worker.
  let beatingSince: number | undefined;

  const heartbeat = () =>
    beat(ctx.db, ids).then(
      () => void (beatingSince ??= performance.now()),
      (err: unknown) => {
        beatingSince = undefined;
        log.warn({ err }, "heartbeat failed");
      },
    );
  // Own jobs seen lost at the previous sweep: only a job lost at two sweeps in a row is unlocked,
  // never one whose completion was on its way to the database at the first.
  let suspects = new Set<string>();
  const releaseLostOwnJobs = async () => {
    const lost = await findLostOwnJobs(ctx.db, ids, running, deadAfter);
    const confirmed = lost.filter((id) => suspects.has(id));
    suspects = new Set(lost);
    if (confirmed.length === 0) return;
    await unlockLostOwnJobs(ctx.db, confirmed, ids, running);
    log.warn({ jobIds: confirmed }, "released jobs this process no longer runs (their completion never reached the database)");
  };
  const sweep = async () => {
    if (beatingSince === undefined || performance.now() - beatingSince < beatMs * 1.5) return;
    try {
      const released = await releaseDeadWorkerJobs(ctx.db, deadAfter, ids);
      if (released.length > 0) log.warn({ workerIds: released }, "released jobs held by dead workers");
      await releaseLostOwnJobs();
    } catch (err) {
      log.warn({ err }, "sweep failed");
    }
  };
  events.on("pool:create", () => void heartbeat());
  const timers = [setInterval(heartbeat, beatMs), setInterval(sweep, sweepMs)];
  timers.forEach((t) => t.unref());
  const halt = () => timers.forEach(clearInterval);

  return {
    halt,
    async stop() {
      halt();
      await forgetWorkers(ctx.db, ids).catch(() => undefined);
    },
  };
}
