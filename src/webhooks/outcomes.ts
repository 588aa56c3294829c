import type { Sql } from "../db/client.js";

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
  | "failed";

/**
 * Marks the still-queued events about one activity, received up to `upTo` (when the job was
 * locked: later events have their own job), with what the task made of them.
 */
export async function markActivityEvents(
  sql: Sql,
  activityId: number,
  outcome: EventOutcome,
  opts: { upTo?: Date | null; error?: string } = {},
): Promise<void> {
  await sql`
    update webhook_events set outcome = ${outcome}, error = ${opts.error ?? null}, processed_at = now()
    where object_type = 'activity' and object_id = ${activityId} and outcome = 'queued'
      and received_at <= coalesce(${opts.upTo ?? null}::timestamptz, now())`;
}

/** Marks an athlete's queued events (deauthorization, and the activity events it made moot). */
export async function markAthleteEvents(sql: Sql, athleteId: number, outcome: EventOutcome): Promise<void> {
  await sql`
    update webhook_events set outcome = ${outcome}, processed_at = now()
    where owner_id = ${athleteId} and outcome = 'queued'`;
}
