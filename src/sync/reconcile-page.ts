import type { Sql } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import type { StravaActivity } from "../strava/types.js";
import type { PageRun, RunCursor } from "./page-run.js";

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
export async function applyPage(tx: Sql, run: PageRun, cursor: RunCursor, fresh: StravaActivity[]): Promise<PagePlan> {
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
async function upsertRaces(sql: Sql, races: StravaActivity[], runId: number): Promise<number[]> {
  const changed: number[] = [];
  for (const race of races) {
    if ((await applyActivity(sql, race, { runId })) === "upserted") changed.push(race.id);
  }
  return changed;
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super("dry run rollback");
  }
}

async function rolledBack<T>(tx: Sql, fn: (sp: Sql) => Promise<T>): Promise<T> {
  const savepoint = (tx as unknown as { savepoint(f: (sp: Sql) => Promise<unknown>): Promise<unknown> }).savepoint;
  try {
    await savepoint.call(tx, async (sp) => {
      throw new Rollback(await fn(sp));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error("unreachable: the savepoint always rolls back");
}

/** Which of these activities are visible races in the table now. */
export async function visibleRaceIds(sql: Sql, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select strava_activity_id::text as id from races
    where strava_activity_id = any(${ids.map(String)}::bigint[]) and removed_at is null`;
  return new Set(rows.map((r) => Number(r.id)));
}
