import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { StravaBadRequest, StravaUnauthorized } from "./errors.js";
import type { StravaHttp } from "./http.js";
import { expectOk } from "./responses.js";
import { decryptToken, encryptToken } from "./token-crypto.js";
import { tokenResponseSchema, type TokenResponse } from "./types.js";

export type TokenContext = Pick<AppContext, "config" | "sql" | "log"> & { http: StravaHttp };

/** A token expiring sooner than this is refreshed before use. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface TokenRow {
  status: string;
  is_blocked: boolean;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_expires_at: Date | null;
}

/** A usable access token for the athlete, refreshed (once, across processes) when about to expire. */
export async function getAccessToken(ctx: TokenContext, athleteId: number): Promise<string> {
  const [row] = await ctx.sql<TokenRow[]>`select ${columns(ctx.sql)} from athletes where strava_id = ${athleteId}`;
  const usable = checkUsable(row, athleteId);
  if (!expiresSoon(usable)) return decryptToken(ctx.config.tokenEncryptionKey, usable.access_token_enc);
  const outcome: RefreshOutcome = await ctx.sql.begin(async (tx): Promise<RefreshOutcome> => {
    const [locked] = await tx<TokenRow[]>`select ${columns(tx as unknown as Sql)} from athletes where strava_id = ${athleteId} for update`;
    const current = checkUsable(locked, athleteId);
    // Another process may have refreshed while we waited for the lock.
    if (!expiresSoon(current)) return { token: decryptToken(ctx.config.tokenEncryptionKey, current.access_token_enc) };
    try {
      const refreshed = await refresh(ctx, decryptToken(ctx.config.tokenEncryptionKey, current.refresh_token_enc));
      await storeTokens(tx as unknown as Sql, ctx.config.tokenEncryptionKey, athleteId, refreshed);
      return { token: refreshed.access_token };
    } catch (err) {
      if (err instanceof StravaUnauthorized || err instanceof StravaBadRequest) return { rejected: err };
      throw err;
    }
  });
  if ("token" in outcome) return outcome.token;
  const message = `Strava refused the refresh token: the athlete must reconnect (${outcome.rejected.message})`;
  await markNeedsReauth(ctx.sql, athleteId, message);
  ctx.log.warn({ athleteId, status: outcome.rejected.status }, "strava refresh token rejected; athlete needs reauth");
  throw new StravaUnauthorized(message, outcome.rejected.status);
}

/** Records that the athlete's authorization no longer works (a deauthorization is left as it is). */
export async function markNeedsReauth(sql: Sql, athleteId: number, message: string): Promise<void> {
  await sql`update athletes set status = 'needs_reauth', last_sync_error = ${message}, updated_at = now()
            where strava_id = ${athleteId} and status <> 'deauthorized'`;
}

function columns(sql: Sql) {
  return sql`status, is_blocked, access_token_enc, refresh_token_enc, token_expires_at`;
}

type RefreshOutcome = { token: string } | { rejected: StravaUnauthorized | StravaBadRequest };
type UsableRow = TokenRow & { access_token_enc: string; refresh_token_enc: string };

function checkUsable(row: TokenRow | undefined, athleteId: number): UsableRow {
  const refuse = (why: string) => new StravaUnauthorized(`athlete ${athleteId} ${why}`);
  if (!row) throw refuse("is not connected to racesync");
  if (row.is_blocked) throw refuse("is blocked by an admin");
  if (row.status === "deauthorized") throw refuse("deauthorized racesync on Strava");
  if (row.status === "needs_reauth") throw refuse("must reconnect to Strava (authorization no longer valid)");
  if (!row.access_token_enc || !row.refresh_token_enc) throw refuse("has no stored Strava tokens");
  return row as UsableRow;
}

function expiresSoon(row: TokenRow): boolean {
  return !row.token_expires_at || row.token_expires_at.getTime() - Date.now() < REFRESH_MARGIN_MS;
}

async function refresh(ctx: TokenContext, refreshToken: string): Promise<TokenResponse> {
  const { clientId, clientSecret, oauthUrl, windowSeconds, daySeconds } = ctx.config.strava;
  const res = await ctx.http.send({
    endpoint: "POST /oauth/token",
    method: "POST",
    url: `${oauthUrl}/token`,
    form: { client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken },
  });
  return expectOk(res, tokenResponseSchema, { windowSeconds, daySeconds });
}

async function storeTokens(sql: Sql, key: Buffer, athleteId: number, t: TokenResponse): Promise<void> {
  await sql`update athletes set access_token_enc = ${encryptToken(key, t.access_token)},
              refresh_token_enc = ${encryptToken(key, t.refresh_token)},
              token_expires_at = to_timestamp(${t.expires_at}), updated_at = now()
            where strava_id = ${athleteId}`;
}
