import { sql } from "drizzle-orm";
import { followUpSchedule } from "../activity/follow-up-schedule.js";
import type { RateLimitReport } from "../contract/admin.js";
import type { AppContext } from "../context.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { reconcileIntervalDays } from "../history/reconcile-all.js";
import { clubCapacity, USAGE_KINDS } from "../strava/plan.js";

/**
 * `GET /api/admin/rate-limit`: the shared windows, and what the planner makes of the day: calls by
 * kind, the projected day against the budget, the club size the budget serves at the current
 * settings, and how often everyone is reconciled.
 */
export async function rateLimitReport(ctx: AppContext): Promise<RateLimitReport> {
  const state = await ctx.strava.budget.state();
  const { plan, input, figures } = await ctx.strava.budget.plan();
  const projectedTotal = USAGE_KINDS.reduce((n, k) => n + plan.projected[k], 0);
  const [oldest] = await ctx.db.execute<{ at: Date | null; confirmed: Date | null }>(sql`
    select (select min(coalesce(a.last_reconciled_at, a.backfill_completed_at)) from athletes a
            where ${ownerStateSql} = 'active' and a.backfill_completed_at is not null) as at,
           (select min(confirmed_at) from races) as confirmed`);
  const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    ...state,
    planner: {
      calls_today: figures.today,
      calls_yesterday: figures.yesterday,
      projected_day: { by_kind: plan.projected, total: projectedTotal, limit: input.dailyLimit, webhook_reserve: plan.webhookReserve },
      club: { athletes: input.athletes, ...clubCapacity(plan, input) },
      reconcile_interval_days: Math.round(reconcileIntervalDays(plan, input) * 10) / 10,
      oldest_reconcile_at: iso(oldest?.at),
      follow_up_schedule_s: await followUpSchedule(ctx.config, ctx.db),
      max_cache_days: ctx.config.maxCacheDays ?? null,
      oldest_race_confirmed_at: iso(oldest?.confirmed),
    },
  };
}
