import type { Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { withTransaction } from "../db/client.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { CALLS_PER_RECONCILE, reconcileTargetDays, type DayPlan } from "../strava/plan.js";
import type { PlanView } from "../strava/budget.js";
import { failOrphanedRuns } from "./orphan-runs.js";
import { queueReconfirms } from "./reconfirm.js";
import { interruptedImports, resumeImport } from "./resume-import.js";
import type { RunTrigger } from "./runs.js";
import { startSync } from "./start.js";

export const PLANNER_TICK_TASK = "planner-tick";
/** Every minute: the planner's pass over runs, imports and reconciles. */
export const PLANNER_CRONTAB = `* * * * * ${PLANNER_TICK_TASK} ?priority=5&max=1`;
/** Runs and imports touched this recently are left alone by the pass (their job may be between pages). */
const DEFAULT_GRACE_S = 60;

/** `planner-tick` (crontab, every minute): see runPlannerTick. */
export function plannerTickTask(ctx: AppContext): Task {
  return async () => {
    const done = await runPlannerTick(ctx);
    if (done.failed.length + done.resumed.length + done.reconciles.length + done.reconfirming > 0) ctx.log.info(done, "planner pass");
  };
}

/**
 * The planner's pass: fails runs whose job is gone for good, resumes interrupted imports, and
 * starts reconciles at the club's pace, oldest first, as many as this window's budget can take
 * (every athlete within RECONCILE_MAX_AGE_DAYS; more often when the budget allows).
 */
export async function runPlannerTick(ctx: AppContext, opts: { graceSeconds?: number } = {}) {
  const grace = opts.graceSeconds ?? DEFAULT_GRACE_S;
  const failed = await failOrphanedRuns(ctx.db, grace);
  const resumed: number[] = [];
  for (const stopped of await interruptedImports(ctx.db, grace)) {
    resumed.push(await withTransaction(ctx.db, (tx) => resumeImport(tx, stopped, "cron")));
  }
  const view = await ctx.strava.budget.plan();
  const reconciles: number[] = [];
  for (const athleteId of await dueReconciles(ctx, view)) reconciles.push(await startSync(ctx, { athleteId, mode: "reconcile", trigger: "cron" }));
  const reconfirming = ctx.config.maxCacheDays ? await queueReconfirms(ctx, ctx.config.maxCacheDays) : 0;
  return { failed, resumed, reconciles, reconfirming };
}

/**
 * How often each athlete is reconciled, in days: the club's reconciles spread over what the day
 * leaves after the follow-ups it may want and imports, at least daily, at most the target under RECONCILE_MAX_AGE_DAYS.
 */
export function reconcileIntervalDays(plan: DayPlan, input: { athletes: number; reconcileMaxAgeDays: number }): number {
  const perDay = Math.max(1, plan.background - plan.followUpDemand - plan.projected.backfill - plan.projected.cache);
  const days = (input.athletes * CALLS_PER_RECONCILE) / perDay;
  return Math.min(reconcileTargetDays(input.reconcileMaxAgeDays), Math.max(1, days));
}

/** Reconciles this window can still take (at least one: the pass always moves). */
function reconcileRoom(view: PlanView): number {
  const spent = view.figures.today;
  const others = spent.reconcile + spent.backfill + spent.cache;
  const room = Math.min(view.plan.caps.background - others - spent.follow_up, view.plan.caps.others - others);
  return Math.max(1, Math.floor(room / CALLS_PER_RECONCILE));
}

/**
 * The athletes to reconcile now, oldest reconcile first: the club at an even pace (athletes ÷
 * interval a day, spread over the day like the budget), so a club that connected in one day is not
 * all due on one later day; anyone past the interval is due whatever the pace. Never more than the
 * window can take; nobody reconciled less than a quarter interval ago. (Days are the rate limit's
 * days, STRAVA_RATE_LIMIT_DAY_S, so compressed time compresses the spacing too.)
 */
async function dueReconciles(ctx: AppContext, view: PlanView): Promise<number[]> {
  const days = reconcileIntervalDays(view.plan, view.input);
  const intervalSeconds = days * ctx.config.strava.daySeconds;
  const paced = Math.ceil((view.input.athletes / days) * view.input.dayShareAtWindowEnd - view.figures.today.reconcile / CALLS_PER_RECONCILE);
  const rows = await ctx.db.execute<{ id: number }>(sql`
    with candidates as (
      select a.strava_id as id, coalesce(a.last_reconciled_at, a.backfill_completed_at) as reconciled_at from athletes a
      where ${ownerStateSql} = 'active' and a.backfill_completed_at is not null
        and coalesce(a.last_reconciled_at, a.backfill_completed_at) < now() - make_interval(secs => ${intervalSeconds / 4})
        and not exists (select 1 from sync_runs u where u.athlete_id = a.strava_id and u.status in ('queued', 'running'))
    )
    select id from candidates order by reconciled_at, id
    limit least(${reconcileRoom(view)}, greatest(${paced},
      (select count(*) from candidates where reconciled_at < now() - make_interval(secs => ${intervalSeconds}))))`);
  return rows.map((r) => r.id);
}

/**
 * An admin's "reconcile everyone": every connected, unblocked athlete now (interrupted imports
 * resume), as fast as the 15-minute windows allow behind webhook work → the run ids.
 */
export async function reconcileAllAthletes(ctx: AppContext, opts: { trigger: RunTrigger }): Promise<number[]> {
  const runIds: number[] = [];
  for (const stopped of await interruptedImports(ctx.db, 0)) {
    runIds.push(await withTransaction(ctx.db, (tx) => resumeImport(tx, stopped, opts.trigger)));
  }
  for (const athleteId of await reconcilableAthletes(ctx)) {
    runIds.push(await startSync(ctx, { athleteId, mode: "reconcile", trigger: opts.trigger }));
  }
  return runIds;
}

/** Connected, unblocked athletes whose import completed, reconciled longest ago first. */
export async function reconcilableAthletes(ctx: Pick<AppContext, "db">): Promise<number[]> {
  const rows = await ctx.db.execute<{ id: number }>(sql`
    select a.strava_id as id from athletes a
    where ${ownerStateSql} = 'active' and a.backfill_completed_at is not null
    order by coalesce(a.last_reconciled_at, a.backfill_completed_at), a.strava_id`);
  return rows.map((r) => r.id);
}
