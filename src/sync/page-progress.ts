import type { StravaActivity } from "../strava/types.js";
import { epochOf, PAGE_SIZE, type PageStep } from "./page-cursor.js";
import type { PageRun, RunCursor } from "./page-run.js";
import type { RunProgress } from "./runs.js";

/**
 * Counts of one committed page plus the cursor to resume from. While pages come back full the
 * total is estimated as "at least one more page"; the summary shows the pace of dates covered
 * (activities per day) so an admin can judge how far back the history goes.
 */
export function pageProgress(run: PageRun, cursor: RunCursor, step: PageStep, extra: Partial<RunCursor> = {}): RunProgress & { cursor: RunCursor } {
  const seen = run.activitiesSeen + step.fresh.length;
  const next: RunCursor = { ...cursor, ...step.next, ...extra, newest: newestOf(cursor.newest, step.fresh), oldest: oldestOf(cursor.oldest, step.fresh) };
  return {
    cursor: next,
    pages: 1,
    apiCalls: 1,
    activitiesSeen: step.fresh.length,
    estimatedTotal: step.done ? seen : seen + PAGE_SIZE,
    summary: coverage(next, seen),
  };
}

function coverage(cursor: RunCursor, seen: number) {
  if (cursor.newest === undefined || cursor.oldest === undefined) return { activities_seen: seen };
  const days = Math.max(1, (cursor.newest - cursor.oldest) / 86400);
  return {
    covered_from: new Date(cursor.oldest * 1000).toISOString(),
    covered_to: new Date(cursor.newest * 1000).toISOString(),
    activities_per_day: Math.round((seen / days) * 100) / 100,
  };
}

function newestOf(current: number | undefined, page: StravaActivity[]): number | undefined {
  return page.reduce<number | undefined>((m, a) => (m === undefined || epochOf(a) > m ? epochOf(a) : m), current);
}

function oldestOf(current: number | undefined, page: StravaActivity[]): number | undefined {
  return page.reduce<number | undefined>((m, a) => (m === undefined || epochOf(a) < m ? epochOf(a) : m), current);
}
