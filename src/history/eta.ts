import type { AppContext } from "../context.js";
import type { Priority } from "../strava/types.js";

/**
 * Seconds until a paged run's last page: the pages this window's budget still allows go at the
 * pace observed so far; the rest at what each later window allows the run's priority (the short
 * window's share, and for paced work the day's line spread over its windows).
 */
export async function secondsToFinish(
  ctx: AppContext,
  run: { startedAt: Date; pagesDone: number; priority: Priority },
  pagesLeft: number,
): Promise<number> {
  if (pagesLeft <= 0) return 0;
  const { plan, figures, input, windowEnd, shortRead } = await ctx.strava.budget.plan();
  const now = Date.now();
  const secondsPerPage = Math.max(0.05, (now - run.startedAt.getTime()) / 1000 / Math.max(1, run.pagesDone));
  const shortShare = Math.floor(shortRead.limit * (1 - input.reserveShare));
  const forced = run.priority === "forced";
  const others = figures.today.reconcile + figures.today.backfill + figures.today.cache;
  const lineRoom = forced ? plan.caps.forced - input.dailyUsed : Math.min(plan.caps.background - others - figures.today.follow_up, plan.caps.others - others);
  const roomNow = Math.max(0, Math.min(lineRoom, shortShare - shortRead.used));
  if (pagesLeft <= roomNow) return Math.ceil(pagesLeft * secondsPerPage);
  const perWindow = Math.max(1, forced ? shortShare : Math.min(shortShare, Math.floor(plan.background / input.windowsPerDay)));
  const windows = Math.ceil((pagesLeft - roomNow) / perWindow);
  const untilWindowEnd = Math.max(0, (windowEnd.getTime() - now) / 1000);
  return Math.ceil(roomNow * secondsPerPage + untilWindowEnd + (windows - 1) * ctx.config.strava.windowSeconds);
}
