import type { Sql } from "../db/client.js";

/**
 * Removes every queued Graphile Worker job whose payload names this athlete. Jobs running right now
 * are locked and left alone: they find the athlete's tokens gone and stop. Returns how many were removed.
 * (The public `jobs` view has no payload column, hence the read of `_private_jobs`.)
 */
export async function cancelAthleteJobs(sql: Sql, athleteId: number): Promise<number> {
  const rows = await sql`
    select id from graphile_worker.complete_jobs(array(
      select id from graphile_worker._private_jobs
      where payload->>'athleteId' = ${String(athleteId)} and locked_at is null
    ))`;
  return rows.length;
}
