import type { Config } from "../config.js";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { deleteRace, softRemoveRace } from "../races/store.js";
import { checkMassDelete } from "./guard.js";
import type { RunCursor } from "./page-cursor.js";
import { finishRun, markAthleteSynced, type PageRun } from "./paged-task.js";
import { updateRun } from "./runs.js";

interface Removals {
  /** Visible races inside the covered window that Strava no longer lists: deleted. */
  vanished: number[];
  /** Races Strava lists as no longer races: soft-removed (event_name kept). */
  stopped: number[];
  totalRaces: number;
}

/**
 * The end of a reconcile or full refresh (mark-and-sweep): everything the run saw is already
 * upserted; now remove what it did not see, unless the mass-delete guard holds the run or it is
 * a dry run. Races changed by anyone else since the run started (a webhook) are left alone: they
 * reflect news fresher than the run's pages.
 */
export async function sweepRun(tx: Db, config: Config, run: PageRun, cursor: RunCursor): Promise<void> {
  const removals = await findRemovals(tx, run, cursor);
  const removing = removals.vanished.length + removals.stopped.length;
  const guard = checkMassDelete(removals.totalRaces, removing, config.massDeleteGuardShare, run.allowMassDelete);
  const summary = {
    ...(run.dryRun && { dry_run: true, would_insert: cursor.would_insert ?? [], would_update: cursor.would_update ?? [] }),
    [run.dryRun || guard.trips ? "would_delete" : "deleted"]: removals.vanished,
    [run.dryRun || guard.trips ? "would_soft_remove" : "soft_removed"]: removals.stopped,
    races_before: removals.totalRaces,
  };
  if (guard.trips) {
    return finishRun(tx, run.id, { status: "held", error: guard.explanation, summary }, guard.explanation);
  }
  if (run.dryRun) {
    const counts = `${cursor.would_insert?.length ?? 0} inserts, ${cursor.would_update?.length ?? 0} updates, ${removing} removals`;
    return finishRun(tx, run.id, { status: "succeeded", summary }, `dry run: would make ${counts}`);
  }
  for (const id of removals.stopped) await softRemoveRace(tx, id);
  for (const id of removals.vanished) await deleteRace(tx, id, run.athleteId);
  await updateRun(tx, run.id, { racesRemoved: removing });
  await markAthleteSynced(tx, run.athleteId, { newest: cursor.newest, reconciled: true });
  await finishRun(tx, run.id, { status: "succeeded", summary }, `${run.kind} complete: ${removing} races removed`);
}

async function findRemovals(tx: Db, run: PageRun, cursor: RunCursor): Promise<Removals> {
  const windowStart = cursor.window_after == null ? null : new Date(cursor.window_after * 1000);
  const rows = await tx.execute<{ id: number; kind: "vanished" | "stopped" | "kept" }>(sql`
    select strava_activity_id as id,
      case
        when updated_at >= ${run.startedAt} then 'kept'
        when strava_activity_id = any(${sql.param(cursor.to_remove ?? [])}::bigint[]) then 'stopped'
        when strava_activity_id = any(${sql.param(cursor.race_ids ?? [])}::bigint[]) then 'kept'
        when ${windowStart}::timestamptz is null or start_date > ${windowStart}::timestamptz then 'vanished'
        else 'kept'
      end as kind
    from races
    where athlete_id = ${run.athleteId} and removed_at is null`);
  const idsOf = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
  return { vanished: idsOf("vanished"), stopped: idsOf("stopped"), totalRaces: rows.length };
}
