import type { AppContext } from "../context.js";
import { withTransaction } from "../db/client.js";
import { revokeAthlete } from "./revoke.js";
import { queueStravaRevoke } from "./revoke-at-strava.js";

/**
 * The athlete leaves (POST /auth/strava/disconnect): everything about them is deleted at once, in
 * one transaction, and a job revokes racesync's access at Strava, retried until Strava confirms.
 */
export async function disconnectAthlete(ctx: AppContext, athleteId: number): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const tokens = await revokeAthlete(tx, athleteId);
    if (tokens) await queueStravaRevoke(tx, athleteId, tokens);
  });
  ctx.log.info({ athleteId }, "athlete disconnected: their data is deleted, Strava access being revoked");
}
