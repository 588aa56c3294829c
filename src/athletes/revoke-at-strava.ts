import type { Task } from "graphile-worker";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { addJob, deferJob } from "../db/jobs.js";
import { StravaRateLimited } from "../strava/errors.js";
import { decryptToken, TokenDecryptError, tokenKeys, type TokenField } from "../strava/token-crypto.js";
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

/** Rewrites a stored token (rotate-key): the same string when it needs no change. */
export type Reseal = (stored: string, slot: { athleteId: number; field: TokenField }) => string;

/**
 * Re-encrypts the tokens that queued revocations hold (rotate-key), so they can still be sent once
 * the previous key is gone. A job is rewritten only while no worker holds it; one that is running
 * is read again shortly. `failed` names the athletes whose queued tokens no configured key decrypts.
 */
export async function resealQueuedRevokes(db: Db, reseal: Reseal, retry: { tries: number; waitMs: number }): Promise<{ resealed: number; failed: number[] }> {
  const result = { resealed: 0, failed: [] as number[] };
  for (let tries = 0; tries < retry.tries; tries++) {
    const jobs = await db.execute<{ id: string; payload: unknown }>(sql`
      select j.id, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = ${STRAVA_REVOKE}`);
    let busy = 0;
    result.failed = [];
    for (const job of jobs) {
      const outcome = await resealJob(db, reseal, job.id, payloadSchema.parse(job.payload));
      if (outcome === "rewritten") result.resealed++;
      else if (outcome === "busy") busy++;
      else if (outcome !== "current") result.failed.push(outcome.failed);
    }
    if (busy === 0) return result;
    await sleep(retry.waitMs);
  }
  throw new Error("a queued Strava revocation stayed locked by a worker; run rotate-key again");
}

async function resealJob(db: Db, reseal: Reseal, jobId: string, p: z.infer<typeof payloadSchema>) {
  let next: typeof p;
  try {
    next = {
      ...p,
      accessTokenEnc: reseal(p.accessTokenEnc, { athleteId: p.athleteId, field: "access" }),
      refreshTokenEnc: reseal(p.refreshTokenEnc, { athleteId: p.athleteId, field: "refresh" }),
    };
  } catch (err) {
    if (err instanceof TokenDecryptError) return { failed: p.athleteId };
    throw err;
  }
  if (next.accessTokenEnc === p.accessTokenEnc && next.refreshTokenEnc === p.refreshTokenEnc) return "current";
  // _private_jobs: Graphile Worker's API cannot rewrite a queued job's payload by id.
  const written = await db.execute(sql`update graphile_worker._private_jobs set payload = ${JSON.stringify(next)}::json
    where id = ${jobId} and locked_at is null returning id`);
  return written.length > 0 ? "rewritten" : "busy";
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
