import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { RunTrigger } from "./runs.js";
import { startSync } from "./start.js";

/** A reconcile usually needs one list call, sometimes two. */
const CALLS_PER_RECONCILE = 2;
/** Reconciles may take this share of what the webhook reserve leaves in a window (backfills and follow-ups want the rest). */
const RECONCILE_SHARE_OF_WINDOW = 0.5;

export function reconcileAllCrontab(ctx: AppContext): string {
  return `${ctx.config.reconcileCron} reconcile-all ?priority=30&max=1`;
}

/** `reconcile-all` (crontab): one athlete-reconcile per syncable athlete, spread over the budget. */
export function reconcileAllTask(ctx: AppContext): Task {
  return async () => {
    const runIds = await reconcileAllAthletes(ctx, { trigger: "cron" });
    ctx.log.info({ athletes: runIds.length }, "reconcile-all queued");
  };
}

/**
 * Queues a reconcile for every active, non-blocked athlete whose backfill finished, one after the
 * other at a pace both the 15-minute and the daily budget can bear without starving webhook work.
 * Returns the run ids.
 */
export async function reconcileAllAthletes(ctx: AppContext, opts: { trigger: RunTrigger }): Promise<number[]> {
  const athletes = await ctx.sql<{ id: string }[]>`
    select strava_id::text as id from athletes
    where status = 'active' and not is_blocked and backfill_completed_at is not null
    order by reconcile_watermark nulls first, strava_id`;
  const { read, reserve_share } = await ctx.strava.budget.state();
  const gapMs = reconcileSpacingMs({ ...ctx.config.strava, shortLimit: read.short.limit, dailyLimit: read.daily.limit, reserveShare: reserve_share });
  const now = Date.now();
  const runIds: number[] = [];
  for (const [i, athlete] of athletes.entries()) {
    const runAt = new Date(now + Math.floor(i * gapMs));
    runIds.push(await startSync(ctx, { athleteId: Number(athlete.id), mode: "reconcile", trigger: opts.trigger, runAt }));
  }
  return runIds;
}

export interface SpacingInput {
  windowSeconds: number;
  daySeconds: number;
  shortLimit: number;
  dailyLimit: number;
  reserveShare: number;
}

/** Milliseconds between two athletes' reconciles: the slower of the paces the two windows allow. */
export function reconcileSpacingMs(b: SpacingInput): number {
  const reconcilesPer = (limit: number) => Math.max(1, Math.floor((limit * (1 - b.reserveShare) * RECONCILE_SHARE_OF_WINDOW) / CALLS_PER_RECONCILE));
  return Math.max((b.windowSeconds * 1000) / reconcilesPer(b.shortLimit), (b.daySeconds * 1000) / reconcilesPer(b.dailyLimit));
}
