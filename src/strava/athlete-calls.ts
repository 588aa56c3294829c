import type { Sql } from "../db/client.js";

/** Counts one request made to Strava on an athlete's behalf (whatever its answer). */
export async function countAthleteCall(sql: Sql, athleteId: number): Promise<void> {
  await sql`
    insert into athlete_api_calls (athlete_id, hour, calls) values (${athleteId}, date_trunc('hour', now()), 1)
    on conflict (athlete_id, hour) do update set calls = athlete_api_calls.calls + 1`;
}
