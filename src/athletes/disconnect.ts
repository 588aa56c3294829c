import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { deleteAthleteRaces } from "../races/store.js";
import { cancelAthleteJobs } from "./cancel-jobs.js";

/**
 * The athlete leaves: revoke our access at Strava (best effort: a dead token is already revoked),
 * then delete their Strava data and queued work, keeping only a deauthorized stub row.
 */
export async function disconnectAthlete(ctx: AppContext, athleteId: number): Promise<void> {
  await ctx.strava.deauthorize(athleteId).catch((err: unknown) => {
    ctx.log.warn({ athleteId, err: String(err) }, "Strava deauthorize failed; deleting local data anyway");
  });
  await ctx.sql.begin((tx) => forgetAthlete(tx as unknown as Sql, athleteId));
}

/** Deletes an athlete's races, tokens and queued jobs and marks them deauthorized. */
export async function forgetAthlete(sql: Sql, athleteId: number): Promise<void> {
  await deleteAthleteRaces(sql, athleteId);
  await sql`
    update athletes set access_token_enc = null, refresh_token_enc = null, token_expires_at = null,
      status = 'deauthorized', deauthorized_at = now(), updated_at = now()
    where strava_id = ${athleteId}`;
  await cancelAthleteJobs(sql, athleteId);
}
