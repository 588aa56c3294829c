import { and, eq, ne, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { athletes, type Athlete } from "../db/schema.js";
import { ownerStateOf } from "../db/athlete-state.js";
import { AthleteUnavailable, StravaUnauthorized } from "./errors.js";

/**
 * The SQL of the athlete's stored Strava tokens: reading them, the refresh lease, writing a new
 * pair. Ciphertexts only: encryption happens in the caller (token-crypto.ts).
 */

/** Longer than the slowest token call can take (5 s to connect, 10 s for the headers, 10 s for the body). */
export const LEASE_SECONDS = 30;

const tokenColumns = {
  status: athletes.status,
  is_blocked: athletes.is_blocked,
  access_token_enc: athletes.access_token_enc,
  refresh_token_enc: athletes.refresh_token_enc,
  token_expires_at: athletes.token_expires_at,
};
type TokenRow = Pick<Athlete, keyof typeof tokenColumns>;
export type UsableTokens = TokenRow & { access_token_enc: string; refresh_token_enc: string };

/** The athlete's tokens, or a clear refusal when racesync may not (or cannot) call Strava for them. */
export async function readUsableTokens(db: Db, athleteId: number, opts: { evenIfBlocked?: boolean } = {}): Promise<UsableTokens> {
  const [row] = await db.select(tokenColumns).from(athletes).where(eq(athletes.strava_id, athleteId));
  // `evenIfBlocked`: the one call made for a blocked athlete, confirming a deauthorization.
  const state = ownerStateOf(row && { ...row, is_blocked: row.is_blocked && !opts.evenIfBlocked });
  if (state === "unknown") {
    const why = row ? "deauthorized racesync on Strava" : "is not connected to racesync";
    throw new AthleteUnavailable(`athlete ${athleteId} ${why}`, state);
  }
  if (state === "blocked") throw new AthleteUnavailable(`athlete ${athleteId} is blocked by an admin`, state);
  const refuse = (why: string) => new StravaUnauthorized(`athlete ${athleteId} ${why}`);
  if (state === "needs_reauth") throw refuse("must reconnect to Strava (authorization no longer valid)");
  if (!row!.access_token_enc || !row!.refresh_token_enc) throw refuse("has no stored Strava tokens");
  return row as UsableTokens;
}

/** The one process allowed to spend the athlete's refresh token until `expires_at`. */
export interface Lease {
  athleteId: number;
  holder: string;
}

/** Takes the athlete's refresh lease when nobody holds it, or its holder's time ran out; else null. */
export async function takeLease(db: Db, athleteId: number): Promise<Lease | null> {
  const holder = randomUUID();
  const rows = await db.execute(sql`
    insert into token_refresh_leases (athlete_id, holder, expires_at)
    values (${athleteId}, ${holder}, now() + make_interval(secs => ${LEASE_SECONDS}))
    on conflict (athlete_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where token_refresh_leases.expires_at < now()
    returning holder`);
  return rows.length > 0 ? { athleteId, holder } : null;
}

export async function releaseLease(db: Db, lease: Lease): Promise<void> {
  await db.execute(sql`delete from token_refresh_leases where athlete_id = ${lease.athleteId} and holder = ${lease.holder}`);
}

export interface SealedPair {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date;
}

/**
 * Stores a pair Strava issued in place of the refresh token it was issued for, and releases the
 * lease, in one statement. Written whoever holds the lease by now (ours may have run out during a
 * database outage): nobody else can have stored a pair for the spent token. False when the row no
 * longer holds the spent token: the athlete reconnected (a newer pair) or left (no tokens to keep),
 * or this is a late duplicate of a write that already landed.
 */
export async function writeNewPair(db: Db, lease: Lease, spentEnc: string, pair: SealedPair): Promise<boolean> {
  const rows = await db.execute(sql`
    with released as (delete from token_refresh_leases where athlete_id = ${lease.athleteId} and holder = ${lease.holder})
    update athletes set access_token_enc = ${pair.accessTokenEnc}, refresh_token_enc = ${pair.refreshTokenEnc},
      token_expires_at = ${pair.expiresAt}, updated_at = now()
    where strava_id = ${lease.athleteId} and status <> 'deauthorized' and refresh_token_enc = ${spentEnc}
    returning strava_id`);
  return rows.length > 0;
}

/** Records that the athlete's authorization no longer works (a deauthorization is left as it is). */
export async function markNeedsReauth(db: Db, athleteId: number, message: string): Promise<void> {
  await db
    .update(athletes)
    .set({ status: "needs_reauth", last_sync_error: message, updated_at: sql`now()` })
    .where(and(eq(athletes.strava_id, athleteId), ne(athletes.status, "deauthorized")));
}

/** markNeedsReauth, only while the row still holds the refresh token Strava refused; false when it changed. */
export async function markNeedsReauthIfUnchanged(db: Db, athleteId: number, refusedEnc: string, message: string): Promise<boolean> {
  const rows = await db
    .update(athletes)
    .set({ status: "needs_reauth", last_sync_error: message, updated_at: sql`now()` })
    .where(and(eq(athletes.strava_id, athleteId), ne(athletes.status, "deauthorized"), eq(athletes.refresh_token_enc, refusedEnc)))
    .returning({ id: athletes.strava_id });
  return rows.length > 0;
}
