import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { Logger, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { ACTIVITY_DELETE, activityDeleteTask } from "./activity/delete.js";
import { ATHLETE_DEAUTHORIZE, athleteDeauthorizeTask } from "./activity/deauthorize.js";
import { activityFollowUpTask } from "./activity/follow-up.js";
import { clubFeedTask } from "./activity/club-feed.js";
import { CLUB_FEED_TASK, FOLLOW_UP_TASK } from "./activity/follow-up-jobs.js";
import { ACTIVITY_SYNC, activitySyncTask } from "./activity/sync.js";
import { STRAVA_REVOKE, stravaRevokeTask } from "./athletes/revoke-at-strava.js";
import type { AppContext } from "./context.js";
import type { Log } from "./log.js";
import { athleteBackfillTask, BACKFILL_TASK } from "./history/backfill.js";
import { PLANNER_CRONTAB, PLANNER_TICK_TASK, plannerTickTask } from "./history/reconcile-all.js";
import { athleteReconcileTask, RECONCILE_TASK } from "./history/reconcile.js";
import { racesReconfirmTask, RECONFIRM_TASK } from "./history/reconfirm.js";
import { startLiveness } from "./ops/liveness/index.js";
import { MAINTENANCE_CRONTAB, MAINTENANCE_TASK, maintenanceTask } from "./ops/maintenance.js";
import { EVENT_REQUEUE_CRONTAB, EVENT_REQUEUE_TASK, eventRequeueTask } from "./webhooks/requeue.js";
import { observeEventLatency } from "./ops/metrics/event-latency.js";
import { metricsOf } from "./ops/metrics/racesync.js";
import { observeJobs } from "./ops/metrics/worker-events.js";

export interface WorkerOptions {
  /** The database Graphile Worker connects to (its own pool). */
  databaseUrl: string;
  concurrency?: number;
  pollInterval?: number;
  /**
   * Told when the runner stops on its own and is not started again (Graphile Worker shut it down
   * for a breaking migration of its schema; one stopped by a lost connection is restarted): the
   * process no longer works jobs. Its heartbeats have stopped, so other workers release its jobs.
   */
  onStopped?: (reason: string) => void;
}

/** Every Graphile Worker task racesync runs, by identifier. */
export function makeTasks(ctx: AppContext): TaskList {
  return {
    [ACTIVITY_SYNC]: activitySyncTask(ctx),
    [ACTIVITY_DELETE]: activityDeleteTask(ctx),
    [ATHLETE_DEAUTHORIZE]: athleteDeauthorizeTask(ctx),
    [FOLLOW_UP_TASK]: activityFollowUpTask(ctx),
    [CLUB_FEED_TASK]: clubFeedTask(ctx),
    [STRAVA_REVOKE]: stravaRevokeTask(ctx),
    [BACKFILL_TASK.task]: athleteBackfillTask(ctx),
    [RECONCILE_TASK.task]: athleteReconcileTask(ctx),
    [PLANNER_TICK_TASK]: plannerTickTask(ctx),
    [EVENT_REQUEUE_TASK]: eventRequeueTask(ctx),
    [RECONFIRM_TASK]: racesReconfirmTask(ctx),
    [MAINTENANCE_TASK]: maintenanceTask(ctx),
  };
}

/** Starts a Graphile Worker runner on the shared database, with its crontab and crash recovery. */
export async function startWorker(ctx: AppContext, opts: WorkerOptions): Promise<Runner> {
  const log = ctx.log.child({ component: "worker" });
  const events: WorkerEvents = new EventEmitter();
  observeJobs(events, metricsOf(ctx));
  observeEventLatency(events, ctx.db, metricsOf(ctx), ACTIVITY_SYNC);
  const liveness = startLiveness(ctx, events);
  const startRunner = () => run({
    events,
    connectionString: opts.databaseUrl,
    concurrency: opts.concurrency ?? 8,
    // Jobs deferred to a rate-limit window's reopening are found by polling: keep that delay
    // under 5% of a window (1 s for Strava's 15 minutes; faster when tests compress time).
    pollInterval: opts.pollInterval ?? Math.min(1000, ctx.config.strava.windowSeconds * 50),
    noHandleSignals: true,
    // With a batcher (even of 0 ms) stop() waits until every finished job's completion is
    // written; without one Graphile fires it unawaited, and a job finished during a graceful stop
    // stayed locked by a process whose heartbeat was already gone, so it ran a second time.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    taskList: makeTasks(ctx),
    crontab: [MAINTENANCE_CRONTAB, PLANNER_CRONTAB, EVENT_REQUEUE_CRONTAB].join("\n"),
    logger: new Logger((scope) => (level, message, meta) => {
      // Graphile hands the error over as `error`: under `err` pino serializes it (type, code, stack).
      const { error, ...rest } = meta ?? {};
      const line = { ...scope, ...rest, ...(error !== undefined && { err: error }) };
      if (level === "error") log.error(line, message);
      else if (level === "warning") log.warn(line, message);
      else log.debug(line, message);
    }),
  });
  const runner = await startRunner().catch(async (err) => {
    await liveness.stop();
    throw err;
  });
  const stoppedBy = (reason: string) => {
    liveness.halt();
    log.error({ reason }, `the job runner stopped (${reason}): this process works no more jobs`);
    opts.onStopped?.(reason);
  };
  const supervisor = restartWhenStopped(runner, startRunner, log, stoppedBy);
  // Heartbeats go on while running jobs finish, so a slow graceful stop is not mistaken for a death.
  return { ...runner, stop: async (reason) => { await supervisor.stop(reason); await liveness.stop(); } };
}

/** The exit code Graphile Worker sets when a newer version announces a breaking migration of its schema. */
const BREAKING_MIGRATION_EXIT_CODE = 57;

/**
 * Graphile Worker 0.17 stops its runner when a worker of its pool fails on a lost database
 * connection (Postgres restarting, a failover): the process would live on without running a job.
 * A runner that stops without being asked to is started again, after a pause that grows while
 * starting fails. Except after a breaking migration of Graphile Worker's schema, where running on
 * is unsafe: then `giveUp` is told, the heartbeats stop and the process exits (see service.ts).
 */
function restartWhenStopped(
  first: Runner,
  startRunner: () => Promise<Runner>,
  log: Log,
  giveUp: (reason: string) => void,
): { stop(reason?: string): Promise<void> } {
  let current = first;
  let stopping = false;
  let gaveUp = false;
  const watch = (runner: Runner): void => {
    void runner.promise
      .then(
        () => "it exited",
        (err: unknown) => `it crashed: ${err instanceof Error ? err.message : String(err)}`,
      )
      .then(async (reason) => {
        if (stopping) return;
        if (process.exitCode === BREAKING_MIGRATION_EXIT_CODE) {
          gaveUp = true;
          return giveUp(`${reason} (a breaking migration of Graphile Worker's schema)`);
        }
        for (let attempt = 1; !stopping; attempt++) {
          log.error({ attempt, reason }, "Graphile Worker stopped by itself (database connection lost?): starting it again");
          await sleep(Math.min(30_000, 1000 * attempt));
          if (stopping) return;
          try {
            current = await startRunner();
            if (stopping) return void (await current.stop());
            return watch(current);
          } catch (err) {
            log.warn({ err: String(err) }, "Graphile Worker could not start yet");
          }
        }
      });
  };
  watch(first);
  return {
    async stop(reason) {
      stopping = true;
      if (gaveUp) return;
      await current.stop(reason).catch(() => {}); // a runner that stopped by itself is stopped already
    },
  };
}
