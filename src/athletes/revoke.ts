import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { cancelAthleteJobs } from "../db/jobs.js";
import { athletes, athleteTombstones } from "../db/schema.js";
import { deleteAthleteRaces } from "../races/store.js";

/** The Strava tokens an athlete had when they were revoked, still encrypted. */
export interface RevokedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string;
}

/**
 * Revocation (a deauthorization Strava confirmed, or a disconnect): deletes everything about the
 * athlete in the caller's transaction and leaves a tombstone (Strava id and time) so their late
 * webhook events are dropped. The athlete row is locked first, so a sync writing for them right
 * now finishes before, and any that waits sees them gone (ownerState). Returns the tokens that
 * were stored (for revoking them at Strava), or null when the athlete had none.
 */
export async function revokeAthlete(tx: Db, athleteId: number): Promise<RevokedTokens | null> {
  const [athlete] = await tx
    .select({ accessTokenEnc: athletes.access_token_enc, refreshTokenEnc: athletes.refresh_token_enc })
    .from(athletes)
    .where(eq(athletes.strava_id, athleteId))
    .for("update");
  await deleteAthleteRaces(tx, athleteId);
  await tx.execute(sql`delete from webhook_events where owner_id = ${athleteId} or (object_type = 'athlete' and object_id = ${athleteId})`);
  await tx.execute(sql`delete from sync_runs where athlete_id = ${athleteId}`); // their logs go with them
  await tx.execute(sql`delete from athlete_api_calls where athlete_id = ${athleteId}`);
  await cancelAthleteJobs(tx, athleteId);
  await tx.delete(athletes).where(eq(athletes.strava_id, athleteId));
  await tx
    .insert(athleteTombstones)
    .values({ strava_id: athleteId })
    .onConflictDoUpdate({ target: athleteTombstones.strava_id, set: { revoked_at: sql`now()` } });
  const { accessTokenEnc, refreshTokenEnc } = athlete ?? {};
  return accessTokenEnc && refreshTokenEnc ? { accessTokenEnc, refreshTokenEnc } : null;
}

/** A reconnect starts from scratch: the athlete's events are accepted again. */
export async function removeTombstone(db: Db, athleteId: number): Promise<void> {
  await db.delete(athleteTombstones).where(eq(athleteTombstones.strava_id, athleteId));
}

/**
 * Deletes the stored events of a revoked athlete: those that arrived while their revocation was
 * committing (and so escaped it) are dropped by the task that finds the athlete gone.
 */
export async function dropRevokedEvents(db: Db, athleteId: number): Promise<void> {
  await db.execute(sql`
    delete from webhook_events where owner_id = ${athleteId}
      and exists (select 1 from athlete_tombstones where strava_id = ${athleteId})`);
}
