import { sql } from "drizzle-orm";
import { z } from "zod";
import { dropRevokedEvents } from "../athletes/revoke.js";
import { ownerState, type OwnerState } from "../db/athlete-state.js";
import { withTransaction, type Db } from "../db/client.js";
import { deleteRace } from "../races/store.js";
import { recordEventRun, type EventWork } from "./event-run.js";

/** What the real-time tasks share: their payload, and how they record what became of an event. */

export const activityPayload = z.object({
  athleteId: z.number().int().positive(),
  activityId: z.number().int().positive(),
  /** How many times a new upload has answered 404 so far (see NEW_UPLOAD_RETRY_S). */
  notFoundRetries: z.number().int().nonnegative().optional(),
});
export type ActivityPayload = z.infer<typeof activityPayload>;

/** The outcome recorded on the events of an athlete racesync leaves alone. */
export const IGNORED: Partial<Record<OwnerState, EventOutcome>> = { unknown: "ignored_unknown_athlete", blocked: "ignored_blocked" };

/**
 * Strava answered 404 for the activity with its owner's token: the owner's race goes, for real.
 * Under the stronger "update" lock and with the events marked in the same transaction, so a sync
 * of the same activity that fetched before cannot write it back (deletedSince).
 */
export async function deleteConfirmed(db: Db, p: ActivityPayload, upTo: Date | null): Promise<EventOutcome> {
  return withTransaction(db, async (tx) => {
    const ignored = IGNORED[await ownerState(tx, p.athleteId, { lock: "update" })];
    if (ignored) return ignored;
    await deleteRace(tx, p.activityId, p.athleteId);
    await markActivityEvents(tx, p.activityId, "deleted", { upTo });
    return "deleted";
  });
}

/** Marks the events; those of a revoked athlete (which escaped the revocation) are deleted instead. */
export async function recordOutcome(db: Db, p: ActivityPayload, outcome: EventOutcome, opts: { upTo?: Date | null; error?: string }): Promise<void> {
  if (outcome === "ignored_unknown_athlete") await dropRevokedEvents(db, p.athleteId);
  await markActivityEvents(db, p.activityId, outcome, opts);
}

/** Final outcomes a task records on the webhook events it handled. */
export type EventOutcome =
  | "synced"
  | "not_a_race"
  | "removed"
  | "deleted"
  | "deauthorized"
  | "needs_reauth"
  | "ignored_unknown_athlete"
  | "ignored_blocked"
  | "not_confirmed"
  | "failed";

/**
 * Marks the still-queued events about one activity, received up to `upTo` (when the job was
 * locked: later events have their own job), with what the task made of them, and records the work
 * in the sync monitor (an activity run linked from the events).
 */
export async function markActivityEvents(
  db: Db,
  activityId: number,
  outcome: EventOutcome,
  opts: { upTo?: Date | null; error?: string; apiCalls?: number } = {},
): Promise<void> {
  const events = await db.execute<{ id: number; owner_id: number }>(sql`
    update webhook_events set outcome = ${outcome}, error = ${opts.error ?? null}, processed_at = now()
    where object_type = 'activity' and object_id = ${activityId} and outcome = 'queued'
      and received_at <= coalesce(${opts.upTo ?? null}::timestamptz, now())
    returning id, owner_id`);
  const work = EVENT_WORK[outcome];
  if (events.length === 0 || !work) return;
  const apiCalls = outcome === "ignored_blocked" ? 0 : (opts.apiCalls ?? 1);
  await recordEventRun(db, { athleteId: events[0]!.owner_id, activityId, work, apiCalls, eventIds: events.map((e) => e.id), detail: opts.error });
}

/** How each outcome shows in the monitor; none for an athlete racesync does not (or no longer) know. */
const EVENT_WORK: Partial<Record<EventOutcome, EventWork>> = {
  synced: "upserted", not_a_race: "skipped", removed: "removed", deleted: "deleted",
  needs_reauth: "failed", ignored_blocked: "blocked", failed: "failed",
};
