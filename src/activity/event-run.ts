import { sql } from "drizzle-orm";
import type { RunStatus } from "../contract/runs.js";
import type { Db } from "../db/client.js";
import { createFinishedRun, logRun } from "../history/runs.js";

/** What activity-sync made of a webhook event, one line per handled job in the sync monitor. */
export type EventWork = "upserted" | "removed" | "skipped" | "deleted" | "deferred" | "failed" | "blocked";

const STATUS: Record<EventWork, RunStatus> = {
  upserted: "succeeded", removed: "succeeded", skipped: "succeeded", deleted: "succeeded", blocked: "succeeded",
  deferred: "cancelled", failed: "failed",
};

const MESSAGE: Record<EventWork, string> = {
  upserted: "fetched: race upserted",
  removed: "fetched: no longer a race, removed",
  skipped: "fetched: not a race, skipped",
  deleted: "gone on Strava: race deleted",
  blocked: "skipped: the athlete is blocked",
  deferred: "deferred: no Strava budget until the window reopens",
  failed: "failed",
};

/**
 * Records webhook-driven work in the sync monitor: an `activity` run (trigger webhook) with one log
 * line, linked from the events it handled (webhook_events.run_id). Nothing is recorded for an
 * athlete racesync no longer knows (a departed athlete leaves no trace).
 */
export async function recordEventRun(
  db: Db,
  input: { athleteId: number; activityId: number; work: EventWork; apiCalls: number; eventIds: number[]; detail?: string },
): Promise<number> {
  const error = input.work === "failed" || input.work === "deferred" ? (input.detail ?? MESSAGE[input.work]) : null;
  const runId = await createFinishedRun(db, { athleteId: input.athleteId, kind: "activity", trigger: "webhook" }, {
    status: STATUS[input.work],
    apiCalls: input.apiCalls,
    racesUpserted: input.work === "upserted" ? 1 : 0,
    racesRemoved: input.work === "removed" || input.work === "deleted" ? 1 : 0,
    error,
    summary: { activity_id: input.activityId, outcome: input.work },
  });
  const message = input.detail ? `${MESSAGE[input.work]} (${input.detail})` : MESSAGE[input.work];
  await logRun(db, runId, input.work === "failed" ? "warn" : "info", `activity ${input.activityId}: ${message}`, { activity_id: input.activityId, events: input.eventIds });
  if (input.eventIds.length > 0) {
    await db.execute(sql`update webhook_events set run_id = ${runId} where id = any(${sql.param(input.eventIds)}::bigint[])`);
  }
  return runId;
}

/** A job the rate limit deferred: its events stay queued; the monitor says why they wait. */
export async function recordDeferral(db: Db, p: { athleteId: number; activityId: number }, opts: { upTo: Date | null; retryAt: Date }): Promise<void> {
  const events = await db.execute<{ id: number }>(sql`
    select id from webhook_events
    where object_type = 'activity' and object_id = ${p.activityId} and outcome = 'queued'
      and received_at <= coalesce(${opts.upTo}::timestamptz, now())`);
  if (events.length === 0) return;
  const detail = `until ${opts.retryAt.toISOString()}`;
  await recordEventRun(db, { ...p, work: "deferred", apiCalls: 0, eventIds: events.map((e) => e.id), detail });
}
