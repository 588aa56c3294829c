import type { Sql } from "../db/client.js";
import type { StravaActivity } from "../strava/types.js";
import { FEED_CHANNEL } from "../stream/feed.js";
import { raceJsonSql } from "./json.js";
import { isRace } from "./rules.js";

export type RaceChange = "upserted" | "removed" | "unchanged";

/**
 * Makes the races table match one activity as Strava describes it now (state-based, so duplicate
 * and out-of-order events are harmless). A non-race is soft-removed: its event_name comes back if
 * it becomes a race again. `runId` marks the race as seen by that sync run (mark-and-sweep).
 * Publishes race.upserted / race.removed only when something a reader can see changed.
 */
export async function applyActivity(sql: Sql, activity: StravaActivity, opts: { runId?: number } = {}): Promise<RaceChange> {
  if (!isRace(activity)) return (await softRemoveRace(sql, activity.id)) ? "removed" : "unchanged";
  const row = { ...toRow(activity), last_seen_run_id: opts.runId ?? null };
  const [result] = await sql<{ changed: boolean }[]>`
    with prev as (
      select name, sport_type, workout_type, distance, moving_time, elapsed_time, total_elevation_gain,
             start_date, start_date_local, timezone, average_heartrate, max_heartrate, is_private, removed_at
      from races where strava_activity_id = ${row.strava_activity_id}
    ), up as (
      insert into races ${sql(row)}
      on conflict (strava_activity_id) do update set
        name = excluded.name, sport_type = excluded.sport_type, workout_type = excluded.workout_type,
        distance = excluded.distance, moving_time = excluded.moving_time, elapsed_time = excluded.elapsed_time,
        total_elevation_gain = excluded.total_elevation_gain, start_date = excluded.start_date,
        start_date_local = excluded.start_date_local, timezone = excluded.timezone,
        average_heartrate = excluded.average_heartrate, max_heartrate = excluded.max_heartrate,
        is_private = excluded.is_private, removed_at = null,
        last_seen_run_id = coalesce(${opts.runId ?? null}::bigint, races.last_seen_run_id),
        updated_at = now()
      returning strava_activity_id
    )
    select not exists (
      select 1 from prev where removed_at is null and
        (name, sport_type, workout_type, distance, moving_time, elapsed_time, total_elevation_gain,
         start_date, start_date_local, timezone, average_heartrate, max_heartrate, is_private)
        is not distinct from
        (${row.name}, ${row.sport_type}, ${row.workout_type}, ${row.distance}::float8, ${row.moving_time}::int,
         ${row.elapsed_time}::int, ${row.total_elevation_gain}::float8, ${row.start_date}::timestamptz,
         ${row.start_date_local}, ${row.timezone}, ${row.average_heartrate}::float8, ${row.max_heartrate}::float8,
         ${row.is_private})
    ) as changed from up`;
  if (!result?.changed) return "unchanged";
  await notifyUpserted(sql, activity.id);
  return "upserted";
}

/** Soft-removes a race that stopped being one. Returns whether a visible race was removed. */
export async function softRemoveRace(sql: Sql, activityId: number): Promise<boolean> {
  const rows = await sql<{ athlete_id: number; is_hidden: boolean }[]>`
    update races r set removed_at = now(), updated_at = now()
    from athletes a
    where r.strava_activity_id = ${activityId} and r.removed_at is null and a.strava_id = r.athlete_id
    returning r.athlete_id, a.is_hidden`;
  await notifyRemoved(sql, activityId, rows);
  return rows.length > 0;
}

/** Deletes a race for real (activity deleted on Strava). Returns whether a race was there. */
export async function deleteRace(sql: Sql, activityId: number): Promise<boolean> {
  const rows = await sql<{ athlete_id: number; removed_at: Date | null; is_hidden: boolean }[]>`
    delete from races r using athletes a
    where r.strava_activity_id = ${activityId} and a.strava_id = r.athlete_id
    returning r.athlete_id, r.removed_at, a.is_hidden`;
  await notifyRemoved(sql, activityId, rows.filter((r) => r.removed_at === null));
  return rows.length > 0;
}

/** Deletes every race of an athlete (deauthorization, disconnect) and tells the dashboards. */
export async function deleteAthleteRaces(sql: Sql, athleteId: number): Promise<number> {
  const rows = await sql`
    with gone as (delete from races where athlete_id = ${athleteId} returning strava_activity_id, removed_at)
    select pg_notify(${FEED_CHANNEL}, json_build_object(
      'event', 'race.removed', 'athlete_id', ${athleteId}::bigint,
      'hidden', (select is_hidden from athletes where strava_id = ${athleteId}),
      'data', json_build_object('strava_activity_id', strava_activity_id))::text)
    from gone where removed_at is null`;
  return rows.length;
}

/** Sets the user-edited event name (sync never touches it) and tells the dashboards. */
export async function setEventName(sql: Sql, activityId: number, eventName: string | null): Promise<boolean> {
  const rows = await sql`
    update races set event_name = ${eventName}, updated_at = now()
    where strava_activity_id = ${activityId} and event_name is distinct from ${eventName}
    returning 1`;
  if (rows.length > 0) await notifyUpserted(sql, activityId);
  return rows.length > 0;
}

async function notifyUpserted(sql: Sql, activityId: number): Promise<void> {
  await sql`
    select pg_notify(${FEED_CHANNEL}, json_build_object(
      'event', 'race.upserted', 'athlete_id', r.athlete_id, 'hidden', a.is_hidden,
      'data', ${raceJsonSql(sql)})::text)
    from races r join athletes a on a.strava_id = r.athlete_id
    where r.strava_activity_id = ${activityId}`;
}

async function notifyRemoved(sql: Sql, activityId: number, rows: Array<{ athlete_id: number; is_hidden?: boolean }>): Promise<void> {
  const row = rows[0];
  if (!row) return;
  const message = { event: "race.removed", athlete_id: row.athlete_id, hidden: row.is_hidden ?? false, data: { strava_activity_id: activityId } };
  await sql`select pg_notify(${FEED_CHANNEL}, ${JSON.stringify(message)})`;
}

function toRow(a: StravaActivity) {
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
    start_date: a.start_date,
    start_date_local: a.start_date_local,
    timezone: a.timezone ?? null,
    average_heartrate: a.average_heartrate ?? null,
    max_heartrate: a.max_heartrate ?? null,
    is_private: a.private === true || a.visibility === "only_me",
  };
}
