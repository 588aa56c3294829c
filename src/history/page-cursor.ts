import type { ListActivitiesParams, StravaActivity } from "../strava/types.js";
import type { RunProgress } from "./runs.js";

/** Strava's list limit: a page shorter than this is the last one. */
export const PAGE_SIZE = 200;

/**
 * Where a paged history walk stands, stored in sync_runs.cursor so any worker can resume it.
 * Descending walks send `before`, ascending ones `after`. Both bounds are exclusive on Strava, so
 * the next request overlaps the boundary second by one (`before = oldest + 1`, `after = newest - 1`)
 * and the ids already seen at that second are skipped: equal start dates across a page boundary
 * are neither lost nor counted twice.
 */
export interface PageCursor {
  direction: "desc" | "asc";
  before?: number;
  after?: number;
  seen_ids_at_boundary: number[];
}

/** Everything a history run carries between its page jobs (sync_runs.cursor). */
export interface RunCursor extends PageCursor {
  /** Epochs of the newest (the next watermark) and oldest start_date seen. */
  newest?: number;
  oldest?: number;
  /** Reconcile: the sweep covers start dates after this (exclusive); null = the whole history. */
  window_after?: number | null;
  /** Races this run saw: the sweep keeps them. */
  race_ids?: number[];
  /** Seen races that stopped being races: removed at the end, after the mass-delete guard. */
  to_remove?: number[];
  /** Backfill: how many activities the athlete's history holds at least (Strava's stats), for the estimate. */
  total_estimate?: number;
  /** Dry run: what would be inserted / updated. */
  would_insert?: number[];
  would_update?: number[];
}

export function firstCursor(direction: "desc" | "asc", after?: number): PageCursor {
  return direction === "desc" ? { direction, seen_ids_at_boundary: [] } : { direction, after: after ?? 0, seen_ids_at_boundary: [] };
}

export function listParams(cursor: PageCursor): ListActivitiesParams {
  return cursor.direction === "desc"
    ? { before: cursor.before, perPage: PAGE_SIZE }
    : { after: cursor.after, perPage: PAGE_SIZE };
}

export const epochOf = (a: Pick<StravaActivity, "start_date">): number => Math.floor(Date.parse(a.start_date) / 1000);

export interface PageStep {
  /** Activities of this page the walk has not seen yet. */
  fresh: StravaActivity[];
  next: PageCursor;
  /** A short page: the walk has reached the end. */
  done: boolean;
}

/** Splits a page into what is new and where the next request starts. */
export function stepCursor(cursor: PageCursor, page: StravaActivity[]): PageStep {
  const seen = new Set(cursor.seen_ids_at_boundary);
  const fresh = page.filter((a) => !seen.has(a.id));
  const done = page.length < PAGE_SIZE;
  if (page.length === 0) return { fresh, next: cursor, done };
  const times = page.map(epochOf);
  const edge = cursor.direction === "desc" ? Math.min(...times) : Math.max(...times);
  const atEdge = page.filter((a) => epochOf(a) === edge).map((a) => a.id);
  const sameEdge = edge === boundaryOf(cursor);
  const seenAtEdge = sameEdge ? [...new Set([...cursor.seen_ids_at_boundary, ...atEdge])] : atEdge;
  // A full page of nothing new means more than a page of activities share one second: step past it.
  const stuck = !done && fresh.length === 0;
  const next: PageCursor =
    cursor.direction === "desc"
      ? { direction: "desc", before: stuck ? edge : edge + 1, seen_ids_at_boundary: stuck ? [] : seenAtEdge }
      : { direction: "asc", after: stuck ? edge : edge - 1, seen_ids_at_boundary: stuck ? [] : seenAtEdge };
  return { fresh, next, done };
}

function boundaryOf(cursor: PageCursor): number | undefined {
  if (cursor.direction === "desc") return cursor.before === undefined ? undefined : cursor.before - 1;
  return cursor.after === undefined ? undefined : cursor.after + 1;
}

/** Pages a walk still needs after this one, by the estimated total (at least one while pages come back full). */
export function pagesLeft(seenBefore: number, cursor: RunCursor, step: PageStep): number {
  if (step.done) return 0;
  const seen = seenBefore + step.fresh.length;
  return Math.ceil((Math.max(seen + PAGE_SIZE, cursor.total_estimate ?? 0) - seen) / PAGE_SIZE);
}

/**
 * Counts of one committed page plus the cursor to resume from. While pages come back full the
 * total is estimated as "at least one more page"; the summary shows the pace of dates covered
 * (activities per day) so an admin can judge how far back the history goes.
 */
export function pageProgress(seenBefore: number, cursor: RunCursor, step: PageStep, extra: Partial<RunCursor> = {}): RunProgress & { cursor: RunCursor } {
  const seen = seenBefore + step.fresh.length;
  const next: RunCursor = { ...cursor, ...step.next, ...extra, newest: newestOf(cursor.newest, step.fresh), oldest: oldestOf(cursor.oldest, step.fresh) };
  return {
    cursor: next,
    pages: 1,
    apiCalls: 1,
    activitiesSeen: step.fresh.length,
    estimatedTotal: step.done ? seen : Math.max(seen + PAGE_SIZE, next.total_estimate ?? 0),
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
