import type { JobOptions } from "../worker/jobs.js";
import type { WebhookEvent } from "./event.js";

export const ACTIVITY_SYNC = "activity-sync";
export const ACTIVITY_DELETE = "activity-delete";
export const ATHLETE_DEAUTHORIZE = "athlete-deauthorize";

/** Transient Strava failures are retried with Graphile Worker's backoff up to this many times. */
export const ACTIVITY_SYNC_MAX_ATTEMPTS = 10;

export interface EventJob {
  task: string;
  payload: { athleteId: number; activityId?: number };
  options: JobOptions & { jobKey: string };
}

export const activityJobKey = (activityId: number) => `activity:${activityId}`;

/**
 * The job an event calls for, or null when it asks for nothing (an athlete update that is not a
 * deauthorization). Every activity event shares one job key per activity: a burst of events
 * collapses into one job, and whichever event came last decides whether it syncs or deletes.
 */
export function jobFor(event: WebhookEvent, debounceMs: number, now = Date.now()): EventJob | null {
  if (event.object_type === "athlete") {
    if (event.updates.authorized !== "false") return null;
    return {
      task: ATHLETE_DEAUTHORIZE,
      payload: { athleteId: event.object_id },
      options: { jobKey: `deauthorize:${event.object_id}`, priority: 0 },
    };
  }
  const payload = { athleteId: event.owner_id, activityId: event.object_id };
  const jobKey = activityJobKey(event.object_id);
  if (event.aspect_type === "delete") return { task: ACTIVITY_DELETE, payload, options: { jobKey, priority: 0 } };
  // A new upload is fetched at once (it is what a dashboard waits for); updates are debounced so a
  // burst of edits costs one call. Later events fold into a pending job and keep its earlier run_at.
  const delayMs = event.aspect_type === "create" ? 0 : debounceMs;
  return {
    task: ACTIVITY_SYNC,
    payload,
    options: {
      jobKey,
      jobKeyMode: "preserve_run_at",
      runAt: new Date(now + delayMs),
      priority: 0,
      maxAttempts: ACTIVITY_SYNC_MAX_ATTEMPTS,
    },
  };
}
