import type { ListActivitiesParams, StravaActivity } from "../strava/types.js";

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
