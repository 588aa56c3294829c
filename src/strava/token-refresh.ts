import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config.js";
import { withTimeout, type Db } from "../db/client.js";
import type { Log } from "../log.js";
import { StravaBadRequest, StravaUnauthorized } from "./errors.js";
import { expectOk, type StravaHttp } from "./http.js";
import { decryptToken, encryptToken, tokenKeys } from "./token-crypto.js";
import { markNeedsReauthIfUnchanged, readUsableTokens, releaseLease, writeNewPair, type Lease, type SealedPair, type UsableTokens } from "./token-store.js";
import { tokenResponseSchema, type TokenResponse } from "./types.js";

export interface TokenDeps {
  config: Config;
  db: Db;
  log: Log;
  http: StravaHttp;
}

/** Backoff between attempts to store a new pair: from 50 ms, doubling, at most 2 s. */
const STORE_RETRY_MAX_MS = 2000;
/**
 * An attempt that has not answered by then is given up and another one made: after a Postgres
 * restart a pooled connection can hang instead of failing (postgres.js 3.4.9). A late answer to an
 * abandoned attempt is harmless, since each write only replaces the spent refresh token.
 */
const STORE_ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * Refreshes the athlete's tokens while holding their lease. Returns the new access token, or null
 * when the stored tokens changed under us (another process refreshed, or the athlete reconnected):
 * the caller then starts over from what is stored.
 */
export async function refreshUnderLease(
  deps: TokenDeps,
  lease: Lease,
  needsRefresh: (t: UsableTokens) => boolean,
  read: { evenIfBlocked?: boolean } = {},
): Promise<string | null> {
  let stored = false;
  try {
    // The previous holder may have stored a new pair just before we took the lease.
    const spent = await readUsableTokens(deps.db, lease.athleteId, read);
    if (!needsRefresh(spent)) return decryptToken(tokenKeys(deps.config), spent.access_token_enc, { athleteId: lease.athleteId, field: "access" });
    const answer = await askStrava(deps, decryptToken(tokenKeys(deps.config), spent.refresh_token_enc, { athleteId: lease.athleteId, field: "refresh" }));
    if ("refused" in answer) return await afterRefusal(deps, lease.athleteId, spent, answer.refused);
    // Strava has already retired the refresh token we spent: this pair is the only valid one left.
    await storeUntilLanded(deps, lease, spent.refresh_token_enc, answer.pair);
    stored = true;
    return answer.pair.access_token;
  } finally {
    // Storing the pair released the lease; otherwise give it back now (it also runs out by itself).
    if (!stored) await releaseLease(deps.db, lease).catch(() => {});
  }
}

type Answer = { pair: TokenResponse } | { refused: StravaUnauthorized | StravaBadRequest };

async function askStrava(deps: TokenDeps, refreshToken: string): Promise<Answer> {
  try {
    return { pair: await refresh(deps, refreshToken) };
  } catch (err) {
    // Only Strava's own "no" (400/401) is a refusal; a 5xx or an unreadable 200 is not.
    if (err instanceof StravaUnauthorized || (err instanceof StravaBadRequest && err.status === 400)) return { refused: err };
    throw err;
  }
}

/**
 * POST /oauth/token with grant_type=refresh_token: a fresh token pair, nothing stored (a connected
 * athlete's refresh goes through refreshUnderLease; revoking a deleted athlete's tokens uses it alone).
 */
export async function refresh(deps: Pick<TokenDeps, "config" | "http">, refreshToken: string): Promise<TokenResponse> {
  const { clientId, clientSecret, oauthUrl, windowSeconds, daySeconds } = deps.config.strava;
  const res = await deps.http.send({
    endpoint: "POST /oauth/token",
    method: "POST",
    url: `${oauthUrl}/token`,
    form: { client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken },
  });
  return expectOk(res, tokenResponseSchema, { windowSeconds, daySeconds });
}

/** Retries the write until it lands: a database error must never cost a pair Strava has issued. */
async function storeUntilLanded(deps: TokenDeps, lease: Lease, spentEnc: string, pair: TokenResponse): Promise<void> {
  const sealed = seal(deps, lease.athleteId, pair);
  for (let attempt = 1; ; attempt++) {
    try {
      const landed = await withTimeout(writeNewPair(deps.db, lease, spentEnc, sealed), STORE_ATTEMPT_TIMEOUT_MS);
      if (!landed) deps.log.info({ athleteId: lease.athleteId }, "the athlete reconnected or left during a token refresh: the new pair is not needed");
      else if (attempt > 1) deps.log.info({ athleteId: lease.athleteId, attempt }, "new Strava token pair stored");
      return;
    } catch (err) {
      deps.log.warn({ athleteId: lease.athleteId, attempt, error: describe(err) }, "could not store the new Strava token pair yet; retrying");
      await sleep(Math.min(STORE_RETRY_MAX_MS, 50 * 2 ** attempt));
    }
  }
}

function seal(deps: TokenDeps, athleteId: number, pair: TokenResponse): SealedPair {
  const keys = tokenKeys(deps.config);
  return {
    accessTokenEnc: encryptToken(keys, pair.access_token, { athleteId, field: "access" }),
    refreshTokenEnc: encryptToken(keys, pair.refresh_token, { athleteId, field: "refresh" }),
    expiresAt: new Date(pair.expires_at * 1000),
  };
}

/**
 * Strava said no to the refresh token we spent. Before the athlete is asked to reconnect, the
 * stored tokens are read again: when they changed, someone else refreshed (or the athlete
 * reconnected) and the caller starts over. A database error here propagates: it is never a refusal.
 */
async function afterRefusal(deps: TokenDeps, athleteId: number, spent: UsableTokens, refused: StravaUnauthorized | StravaBadRequest): Promise<null> {
  const message = `Strava refused the refresh token: the athlete must reconnect (${refused.message})`;
  if (!(await markNeedsReauthIfUnchanged(deps.db, athleteId, spent.refresh_token_enc, message))) return null;
  deps.log.warn({ athleteId, status: refused.status }, "strava refresh token rejected; athlete needs reauth");
  throw new StravaUnauthorized(message, refused.status);
}

/** A database error's code and message: the driver's own error, never the failed query with its parameters (ciphertexts). */
function describe(err: unknown): string {
  const e = ((err as { cause?: unknown } | null)?.cause ?? err) as { code?: unknown; message?: unknown } | null;
  return [e?.code, e?.message].filter((p) => typeof p === "string").join(": ") || "unknown error";
}
