import type { Sql } from "../db/client.js";

/** A race as the API and the change feed show it (design.md "Shapes"). */
export interface RaceJson {
  strava_activity_id: number;
  athlete: { strava_id: number; name: string };
  name: string;
  event_name: string | null;
  sport_type: string;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number | null;
  start_date: string;
  start_date_local: string;
  timezone: string | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
}

/**
 * SQL expression building RaceJson from `races r join athletes a`, so the API and pg_notify
 * produce the same shape without a round trip through JavaScript.
 */
export function raceJsonSql(sql: Sql) {
  return sql`json_build_object(
    'strava_activity_id', r.strava_activity_id,
    'athlete', json_build_object('strava_id', a.strava_id, 'name', trim(a.firstname || ' ' || a.lastname)),
    'name', r.name,
    'event_name', r.event_name,
    'sport_type', r.sport_type,
    'distance', r.distance,
    'moving_time', r.moving_time,
    'elapsed_time', r.elapsed_time,
    'total_elevation_gain', r.total_elevation_gain,
    'start_date', to_char(r.start_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'start_date_local', r.start_date_local,
    'timezone', r.timezone,
    'average_heartrate', r.average_heartrate,
    'max_heartrate', r.max_heartrate
  )`;
}
