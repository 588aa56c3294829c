import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import type { StravaActivity } from "../strava/types.js";
import type { RunCursor } from "./page-cursor.js";
import type { PageRun } from "./paged-task.js";

/** What one reconcile or full-refresh page changed (or, in a dry run, would change). */
export interface PagePlan {
  cursor: Pick<RunCursor, "race_ids" | "to_remove" | "would_insert" | "would_update">;
  upserted: number;
}

/**
 * Makes the page's races true at once (upserts never hide anything), and only NOTES the races
 * that stopped being races: every removal waits for the end of the run and the mass-delete guard.
 * A dry run makes the same writes inside a savepoint it rolls back (notifications included), so
 * its counts come from the real code path and nothing changes.
 */
export async function applyPage(tx: Db, run: PageRun, cursor: RunCursor, fresh: StravaActivity[]): Promise<PagePlan> {
  const visible = await visibleRaceIds(tx, fresh.map((a) => a.id));
  const races = fresh.filter((a) => isRace(a));
  const stopped = fresh.filter((a) => !isRace(a) && visible.has(a.id)).map((a) => a.id);
  const changes = run.dryRun ? await rolledBack(tx, (sp) => upsertRaces(sp, races, run.id)) : await upsertRaces(tx, races, run.id);
  const inserted = changes.filter((id) => !visible.has(id));
  const updated = changes.filter((id) => visible.has(id));
  return {
    upserted: run.dryRun ? 0 : changes.length,
    cursor: {
      race_ids: [...(cursor.race_ids ?? []), ...races.map((a) => a.id)],
      to_remove: [...(cursor.to_remove ?? []), ...stopped],
      ...(run.dryRun && {
        would_insert: [...(cursor.would_insert ?? []), ...inserted],
        would_update: [...(cursor.would_update ?? []), ...updated],
      }),
    },
  };
}

/** Ids of the races whose visible state changed. */
async function upsertRaces(db: Db, races: StravaActivity[], runId: number): Promise<number[]> {
  const changed: number[] = [];
  for (const race of races) {
    if ((await applyActivity(db, race, { runId })) === "upserted") changed.push(race.id);
  }
  return changed;
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super("dry run rollback");
  }
}

/** Runs `fn` in a savepoint that is always rolled back (its notifications too), returning its result. */
async function rolledBack<T>(tx: Db, fn: (sp: Db) => Promise<T>): Promise<T> {
  try {
    await tx.transaction(async (sp) => {
      throw new Rollback(await fn(sp));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error("unreachable: the savepoint always rolls back");
}

/** Which of these activities are visible races in the table now. */
export async function visibleRaceIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.execute<{ id: number }>(sql`
    select strava_activity_id as id from races
    where strava_activity_id = any(${sql.param(ids)}::bigint[]) and removed_at is null`);
  return new Set(rows.map((r) => r.id));
}
