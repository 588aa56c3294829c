import { and, eq, sql, type SQL } from "drizzle-orm";
import { mayWrite, ownerState } from "../db/athlete-state.js";
import { withTransaction, type Db } from "../db/client.js";
import { races, type NewRace } from "../db/schema.js";
import type { StravaActivity } from "../strava/types.js";
import { publish, publishAll, type FeedMessage } from "../stream/feed.js";
import { raceJsonSql, type RaceJson } from "./json.js";
import { isRace, raceOnBoardSql, visibilityOf } from "./rules.js";

export type RaceChange = "upserted" | "removed" | "unchanged";

/** The columns sync writes; event_name, removed_at and the run mark are handled apart. */
const SYNCED_COLUMNS = [
  "name", "sport_type", "workout_type", "distance", "moving_time", "elapsed_time", "total_elevation_gain",
  "start_date", "start_date_local", "timezone", "average_heartrate", "max_heartrate", "visibility",
] as const;
const columns = (prefix = "") => sql.raw(SYNCED_COLUMNS.map((c) => `${prefix}${c}`).join(", "));
const takeExcluded = sql.raw(SYNCED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", "));

/**
 * Makes the races table match one activity as Strava describes it now (state-based, so duplicate
 * and out-of-order events are harmless). A non-race is soft-removed: its event_name comes back if
 * it becomes a race again. `runId` marks the race as seen by that sync run (mark-and-sweep).
 * Publishes race.upserted only when something a reader can see changed (its visibility included),
 * with its place on the board before and after, so viewers who may no longer see it are told.
 * Raw SQL: one statement upserts, compares with the previous row and builds the published race.
 */
export async function applyActivity(db: Db, activity: StravaActivity, opts: { runId?: number } = {}): Promise<RaceChange> {
  if (!isRace(activity)) return (await softRemoveRace(db, activity.id)) ? "removed" : "unchanged";
  const row = toRow(activity);
  const values = sql.join(SYNCED_COLUMNS.map((c) => sql`${row[c]}`), sql`, `);
  const [result] = await db.execute<{ changed: boolean; athlete_id: number; before: boolean; after: boolean; race: RaceJson }>(sql`
    with prev as (
      select ${columns()}, removed_at from races where strava_activity_id = ${row.strava_activity_id}
    ), up as (
      insert into races (strava_activity_id, athlete_id, last_seen_run_id, ${columns()})
      values (${row.strava_activity_id}, ${row.athlete_id}, ${opts.runId ?? null}, ${values})
      on conflict (strava_activity_id) do update set ${takeExcluded}, removed_at = null, confirmed_at = now(),
        last_seen_run_id = coalesce(excluded.last_seen_run_id, races.last_seen_run_id), updated_at = now()
      returning *
    )
    select not exists (
      select 1 from prev, up where prev.removed_at is null and (${columns("prev.")}) is not distinct from (${columns("up.")})
    ) as changed, r.athlete_id, ${raceJsonSql} as race, ${raceOnBoardSql()} as after,
      ${raceOnBoardSql(sql`(select p.visibility from prev p where p.removed_at is null)`)} is true as before
    from up r join athletes a on a.strava_id = r.athlete_id`);
  if (!result?.changed) return "unchanged";
  const board = { before: result.before, after: result.after };
  await publish(db, { event: "race.upserted", athlete_id: result.athlete_id, board, data: result.race });
  return "upserted";
}

/** Soft-removes a race that stopped being one. Returns whether a visible race was removed. */
export async function softRemoveRace(db: Db, activityId: number): Promise<boolean> {
  const gone = await db.execute<GoneRace>(sql`
    update races r set removed_at = now(), updated_at = now()
    from athletes a
    where r.strava_activity_id = ${activityId} and r.removed_at is null and a.strava_id = r.athlete_id
    returning r.strava_activity_id, r.athlete_id, ${raceOnBoardSql()} as on_board`);
  await publishAll(db, gone.map(removedMessage));
  return gone.length > 0;
}

/**
 * Deletes a race for real (activity deleted on Strava), only if it belongs to `ownerId`: an event
 * naming another owner deletes nothing. Returns whether a race was there.
 */
export async function deleteRace(db: Db, activityId: number, ownerId: number): Promise<boolean> {
  const gone = await deleteWhere(db, sql`r.strava_activity_id = ${activityId} and r.athlete_id = ${ownerId}`);
  return gone > 0;
}

/** Deletes every race of an athlete (deauthorization, disconnect) and tells the dashboards. */
export function deleteAthleteRaces(db: Db, athleteId: number): Promise<number> {
  return deleteWhere(db, sql`r.athlete_id = ${athleteId}`);
}

/**
 * Sets the user-edited event name (sync never touches it) and tells the dashboards, under the
 * owner's row lock: nothing is written for a blocked or revoked athlete ("refused").
 */
export async function setEventName(db: Db, activityId: number, ownerId: number, eventName: string | null): Promise<"changed" | "unchanged" | "refused"> {
  return withTransaction(db, async (tx) => {
    if (!mayWrite(await ownerState(tx, ownerId, { lock: "share" }))) return "refused";
    const rows = await tx
      .update(races)
      .set({ event_name: eventName, updated_at: sql`now()` })
      .where(and(eq(races.strava_activity_id, activityId), eq(races.athlete_id, ownerId), sql`${races.event_name} is distinct from ${eventName}`))
      .returning({ id: races.strava_activity_id });
    if (rows.length === 0) return "unchanged";
    await publishRace(tx, activityId);
    return "changed";
  });
}

/**
 * Makes a race Only You, as a Strava event just said, ahead of the fetch that will confirm it, and
 * tells the dashboards (those who may no longer see it get race.removed). Returns whether it changed.
 */
export async function makeRacePrivate(db: Db, activityId: number): Promise<boolean> {
  const [row] = await db.execute<{ athlete_id: number; before: boolean; after: boolean; race: RaceJson }>(sql`
    with prev as (select visibility from races where strava_activity_id = ${activityId})
    update races r set visibility = 'only_me', updated_at = now()
    from athletes a, prev
    where r.strava_activity_id = ${activityId} and r.removed_at is null and r.visibility <> 'only_me' and a.strava_id = r.athlete_id
    returning r.athlete_id, ${raceJsonSql} as race, ${raceOnBoardSql(sql`prev.visibility`)} as before, ${raceOnBoardSql()} as after`);
  if (!row) return false;
  await publish(db, { event: "race.upserted", athlete_id: row.athlete_id, board: { before: row.before, after: row.after }, data: row.race });
  return true;
}

/** Publishes a race as it stands now (race.upserted). */
export async function publishRace(db: Db, activityId: number): Promise<void> {
  const [row] = await db.execute<{ athlete_id: number; on_board: boolean; race: RaceJson }>(sql`
    select r.athlete_id, ${raceOnBoardSql()} as on_board, ${raceJsonSql} as race
    from races r join athletes a on a.strava_id = r.athlete_id where r.strava_activity_id = ${activityId}`);
  if (!row) return;
  await publish(db, { event: "race.upserted", athlete_id: row.athlete_id, board: { before: row.on_board, after: row.on_board }, data: row.race });
}

type GoneRace = { strava_activity_id: number; athlete_id: number; on_board: boolean };

const removedMessage = (r: GoneRace): FeedMessage => ({
  event: "race.removed",
  athlete_id: r.athlete_id,
  board: { before: r.on_board, after: false },
  data: { strava_activity_id: r.strava_activity_id },
});

/** Deletes races and publishes race.removed for those dashboards could see (not soft-removed). */
async function deleteWhere(db: Db, condition: SQL): Promise<number> {
  const gone = await db.execute<GoneRace & { visible: boolean }>(sql`
    delete from races r using athletes a
    where ${condition} and a.strava_id = r.athlete_id
    returning r.strava_activity_id, r.athlete_id, ${raceOnBoardSql()} as on_board, r.removed_at is null as visible`);
  await publishAll(db, gone.filter((r) => r.visible).map(removedMessage));
  return gone.length;
}

function toRow(a: StravaActivity): NewRace {
  return {
    strava_activity_id: a.id,
    athlete_id: a.athlete.id,
    name: a.name,
    sport_type: a.sport_type ?? a.type ?? "Run",
    workout_type: a.workout_type ?? null,
    distance: a.distance,
    moving_time: Math.round(a.moving_time),
    elapsed_time: Math.round(a.elapsed_time),
    total_elevation_gain: a.total_elevation_gain ?? null,
    start_date: new Date(a.start_date),
    start_date_local: a.start_date_local,
    timezone: a.timezone ?? null,
    average_heartrate: a.average_heartrate ?? null,
    max_heartrate: a.max_heartrate ?? null,
    visibility: visibilityOf(a),
  };
}
