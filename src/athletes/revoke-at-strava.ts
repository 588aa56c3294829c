import type { Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { addJob, deferJob } from "../db/jobs.js";
import { StravaRateLimited } from "../strava/errors.js";
import { decryptToken, tokenKeys } from "../strava/token-crypto.js";
import type { RevokedTokens } from "./revoke.js";

export const STRAVA_REVOKE = "strava-revoke";
/** Graphile Worker's backoff grows to hours: 25 attempts keep trying for days until Strava answers. */
const MAX_ATTEMPTS = 25;

const payloadSchema = z.object({ athleteId: z.number().int().positive(), accessTokenEnc: z.string(), refreshTokenEnc: z.string() });

const jobKey = (athleteId: number) => `strava-revoke:${athleteId}`;

/**
 * Queues the revocation of a disconnected athlete's tokens at Strava, in the transaction that
 * deleted their data. The job holds the tokens (still encrypted) until Strava confirms.
 */
export async function queueStravaRevoke(db: Db, athleteId: number, tokens: RevokedTokens): Promise<void> {
  await addJob(db, STRAVA_REVOKE, { athleteId, ...tokens }, { jobKey: jobKey(athleteId), priority: 0, maxAttempts: MAX_ATTEMPTS });
}

/** A reconnect before the revocation went through: Strava's deauthorize would end the new connection too. */
export async function cancelStravaRevoke(db: Db, athleteId: number): Promise<void> {
  await db.execute(sql`select graphile_worker.remove_job(${jobKey(athleteId)})`);
}

/** `strava-revoke`: POST /oauth/deauthorize until Strava confirms (or says nothing is left to revoke). */
export function stravaRevokeTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const p = payloadSchema.parse(raw);
    const keys = tokenKeys(ctx.config);
    const athleteId = p.athleteId;
    try {
      await ctx.strava.revokeTokens({
        accessToken: decryptToken(keys, p.accessTokenEnc, { athleteId, field: "access" }),
        refreshToken: decryptToken(keys, p.refreshTokenEnc, { athleteId, field: "refresh" }),
      });
    } catch (err) {
      if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
      ctx.log.warn({ athleteId: p.athleteId, attempt: helpers.job.attempts, err: String(err) }, "revoking at Strava failed; will retry");
      throw err;
    }
    ctx.log.info({ athleteId: p.athleteId }, "racesync's access revoked at Strava");
  };
}
