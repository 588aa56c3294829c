import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { encryptToken } from "../strava/token-crypto.js";
import type { StravaAthlete } from "../strava/types.js";
import { startBackfill } from "../sync/start.js";

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
  isAdmin: boolean;
  isNew: boolean;
  backfillRunId: number | null;
}

/**
 * Stores (or refreshes) a connected athlete with encrypted tokens, clears a deauthorized or
 * needs-reauth state, and queues the history backfill the first time (or after a deauthorization).
 */
export async function connectAthlete(ctx: AppContext, input: ConnectInput): Promise<ConnectResult> {
  const key = ctx.config.tokenEncryptionKey;
  // In demo mode everyone may look around the admin pages; nothing there is real.
  const isAdmin = ctx.config.demo || ctx.config.adminAthleteIds.includes(input.athlete.id);
  return ctx.sql.begin(async (tx) => {
    const [row] = await tx<{ is_new: boolean; needs_backfill: boolean; is_admin: boolean }[]>`
      insert into athletes (strava_id, firstname, lastname, profile_url, access_token_enc, refresh_token_enc,
                            token_expires_at, scopes, status, is_admin, backfill_requested_at)
      values (${input.athlete.id}, ${input.athlete.firstname ?? ""}, ${input.athlete.lastname ?? ""},
              ${input.athlete.profile ?? input.athlete.profile_medium ?? null},
              ${encryptToken(key, input.accessToken)}, ${encryptToken(key, input.refreshToken)},
              to_timestamp(${input.expiresAt}), ${input.scopes}, 'active', ${isAdmin}, now())
      on conflict (strava_id) do update set
        firstname = excluded.firstname, lastname = excluded.lastname, profile_url = excluded.profile_url,
        access_token_enc = excluded.access_token_enc, refresh_token_enc = excluded.refresh_token_enc,
        token_expires_at = excluded.token_expires_at, scopes = excluded.scopes, status = 'active',
        is_admin = athletes.is_admin or excluded.is_admin, deauthorized_at = null,
        backfill_requested_at = case when athletes.backfill_completed_at is null or athletes.deauthorized_at is not null
                                     then now() else athletes.backfill_requested_at end,
        updated_at = now()
      returning (xmax = 0) as is_new, is_admin, backfill_requested_at = now() as needs_backfill`;
    const backfillRunId = row!.needs_backfill ? await startBackfill(tx as unknown as Sql, input.athlete.id) : null;
    return { athleteId: input.athlete.id, isAdmin: row!.is_admin, isNew: row!.is_new, backfillRunId };
  });
}
