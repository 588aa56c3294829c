import type { AppContext } from "../context.js";
import { sql } from "drizzle-orm";
import { withTransaction } from "../db/client.js";
import { encryptToken, tokenKeys, type TokenField } from "../strava/token-crypto.js";
import type { StravaAthlete } from "../strava/types.js";
import { startBackfill } from "../history/start.js";
import { removeTombstone } from "./revoke.js";
import { cancelStravaRevoke } from "./revoke-at-strava.js";

export interface ConnectInput {
  athlete: StravaAthlete;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  /** Scopes the athlete actually granted (from the OAuth redirect), comma-separated. */
  scopes: string;
}

export interface ConnectResult {
  athleteId: number;
  isNew: boolean;
  backfillRunId: number | null;
}

/**
 * Stores (or refreshes) a connected athlete with encrypted tokens, clears a needs-reauth state,
 * and queues the history backfill the first time. An athlete who revoked racesync before starts
 * from scratch: their tombstone goes, and so does a revocation still waiting to reach Strava.
 */
export async function connectAthlete(ctx: AppContext, input: ConnectInput): Promise<ConnectResult> {
  const keys = tokenKeys(ctx.config);
  const slot = (field: TokenField) => ({ athleteId: input.athlete.id, field });
  // Raw SQL: one upsert that also tells whether the athlete is new and needs a history backfill.
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.execute<{ is_new: boolean; needs_backfill: boolean }>(sql`
      insert into athletes (strava_id, firstname, lastname, profile_url, access_token_enc, refresh_token_enc,
                            token_expires_at, scopes, status, backfill_requested_at)
      values (${input.athlete.id}, ${input.athlete.firstname ?? ""}, ${input.athlete.lastname ?? ""},
              ${input.athlete.profile ?? input.athlete.profile_medium ?? null},
              ${encryptToken(keys, input.accessToken, slot("access"))}, ${encryptToken(keys, input.refreshToken, slot("refresh"))},
              to_timestamp(${input.expiresAt}), ${input.scopes}, 'active', now())
      on conflict (strava_id) do update set
        firstname = excluded.firstname, lastname = excluded.lastname, profile_url = excluded.profile_url,
        access_token_enc = excluded.access_token_enc, refresh_token_enc = excluded.refresh_token_enc,
        token_expires_at = excluded.token_expires_at, scopes = excluded.scopes, status = 'active',
        deauthorized_at = null,
        backfill_requested_at = case when athletes.backfill_completed_at is null or athletes.deauthorized_at is not null
                                     then now() else athletes.backfill_requested_at end,
        updated_at = now()
      returning (xmax = 0) as is_new, backfill_requested_at = now() as needs_backfill`);
    await removeTombstone(tx, input.athlete.id);
    await cancelStravaRevoke(tx, input.athlete.id);
    const backfillRunId = row!.needs_backfill ? await startBackfill(tx, input.athlete.id) : null;
    return { athleteId: input.athlete.id, isNew: row!.is_new, backfillRunId };
  });
}
