import { sql } from "drizzle-orm";
import { athleteNameSql } from "../db/schema.js";
import { raceOnBoardSql } from "./rules.js";

export type { RaceJson } from "../contract/races.js";

/**
 * SQL building a RaceJson from `races r join athletes a`, so the API and the change feed produce
 * the same shape without a round trip through JavaScript.
 */
export const raceJsonSql = sql`json_build_object(
    'strava_activity_id', r.strava_activity_id,
    'athlete', json_build_object('strava_id', a.strava_id, 'name', ${athleteNameSql}),
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
    'max_heartrate', r.max_heartrate,
    'visibility', r.visibility,
    'on_board', ${raceOnBoardSql()}
  )`;
