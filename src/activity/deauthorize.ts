import type { Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { revokeAthlete } from "../athletes/revoke.js";
import type { AppContext } from "../context.js";
import { withTransaction, type Db } from "../db/client.js";
import { deferJob } from "../db/jobs.js";
import { StravaRateLimited } from "../strava/errors.js";

export const ATHLETE_DEAUTHORIZE = "athlete-deauthorize";

const payloadSchema = z.object({ athleteId: z.number().int().positive() });

/**
 * `athlete-deauthorize`: an event says the athlete revoked racesync on Strava. Webhook events carry
 * no signature, so it is believed only once Strava refuses the athlete's tokens (one call); then
 * everything about the athlete is deleted (revokeAthlete). Otherwise nothing changes.
 */
export function athleteDeauthorizeTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { athleteId } = payloadSchema.parse(raw);
    let refused: boolean;
    try {
      refused = await ctx.strava.authorizationRefused(athleteId);
    } catch (err) {
      if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
      throw err;
    }
    if (!refused) {
      await markDeauthorizeEvents(ctx.db, athleteId, helpers.job.locked_at);
      ctx.log.warn({ athleteId }, "deauthorization event not confirmed: Strava still accepts the athlete's tokens; nothing deleted");
      return;
    }
    await withTransaction(ctx.db, (tx) => revokeAthlete(tx, athleteId));
    ctx.log.info({ athleteId }, "athlete deauthorized racesync: everything about them deleted");
  };
}

/** Records on the athlete's deauthorization events that Strava did not confirm them. */
async function markDeauthorizeEvents(db: Db, athleteId: number, upTo: Date | null): Promise<void> {
  await db.execute(sql`
    update webhook_events set outcome = 'not_confirmed', processed_at = now()
    where object_type = 'athlete' and object_id = ${athleteId} and outcome = 'queued'
      and received_at <= coalesce(${upTo}::timestamptz, now())`);
}
