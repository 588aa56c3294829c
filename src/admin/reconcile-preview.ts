import type { ReconcilePreview } from "../contract/admin.js";
import type { AppContext } from "../context.js";
import { reconcilableAthletes } from "../history/reconcile-all.js";
import { interruptedImports } from "../history/resume-import.js";
import { CALLS_PER_RECONCILE } from "../strava/plan.js";

/**
 * What "reconcile everyone" would cost, for the admin to see before confirming: read calls, the
 * time the 15-minute windows need for them behind webhook work, and their share of today's budget.
 */
export async function reconcilePreview(ctx: AppContext): Promise<ReconcilePreview> {
  const athletes = (await reconcilableAthletes(ctx)).length;
  const imports = (await interruptedImports(ctx.db, 0)).length;
  const calls = Math.ceil(athletes * CALLS_PER_RECONCILE) + imports;
  const { read, reserve_share } = await ctx.strava.budget.state();
  const { plan, input, windowEnd } = await ctx.strava.budget.plan();
  const webhookPerWindow = Math.ceil((plan.projected.webhook + plan.projected.confirmation) / input.windowsPerDay);
  const perWindow = Math.max(1, Math.floor(read.short.limit * (1 - reserve_share)) - webhookPerWindow);
  const leftThisWindow = Math.max(0, perWindow - read.short.used);
  const laterWindows = Math.ceil(Math.max(0, calls - leftThisWindow) / perWindow);
  const untilWindowEnd = Math.max(0, (windowEnd.getTime() - Date.now()) / 1000);
  const dayLeft = Math.max(0, plan.caps.forced - read.daily.used);
  return {
    athletes,
    imports_to_resume: imports,
    calls,
    seconds_to_finish: laterWindows === 0 ? 0 : Math.ceil(untilWindowEnd + (laterWindows - 1) * ctx.config.strava.windowSeconds),
    share_of_daily_budget: Math.round((calls / Math.max(1, read.daily.limit)) * 1000) / 1000,
    daily_calls_left: dayLeft,
    /** More calls than today leaves (after the webhook reserve): the rest waits for the next day. */
    spills_into_next_day: calls > dayLeft,
  };
}
