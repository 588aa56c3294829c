import type { Simulator } from "../../src/simulator/index.js";
import type { StravaActivity } from "../../src/strava/types.js";
import type { TestSql } from "./test-sql.js";

let nextActivityId = 7_000_000_000;

/** A Strava race activity as the API returns it (only the fields racesync reads). */
export function raceActivity(athleteId: number, o: Partial<StravaActivity> = {}): StravaActivity {
  const start = o.start_date ?? "2024-05-01T08:00:00Z";
  return {
    id: ++nextActivityId, athlete: { id: athleteId }, name: "Race", sport_type: "Run", workout_type: 1,
    distance: 10_000, moving_time: 2400, elapsed_time: 2450, total_elevation_gain: 12,
    start_date: start, start_date_local: start, timezone: "(GMT+00:00) Europe/London", private: false, visibility: "everyone", ...o,
  };
}

/** The ids of the athlete's races racesync shows (not soft-removed), ascending. */
export async function visibleRaceIds(sql: TestSql, athleteId: number): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    select strava_activity_id::text as id from races where athlete_id = ${athleteId} and removed_at is null`;
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** The ids of the athlete's races on (simulated) Strava, ascending: what racesync should show. */
export function simRaceIds(sim: Simulator, athleteId: number): number[] {
  return sim.racesOf(athleteId).map((a) => a.id).sort((a, b) => a - b);
}
