import type { JobHelpers, Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { withTransaction, type Db } from "../db/client.js";
import { deferJob } from "../db/jobs.js";
import { ownerState } from "../db/athlete-state.js";
import { isRace, needsFollowUp } from "../races/rules.js";
import { deletedSince } from "../races/deleted.js";
import { applyActivity } from "../races/store.js";
import { AthleteUnavailable, StravaBadRequest, StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { StravaActivity } from "../strava/types.js";
import { recordDeferral } from "./event-run.js";
import { scheduleFollowUps } from "./follow-up.js";
import { activityPayload, deleteConfirmed, IGNORED, markActivityEvents, recordOutcome, type ActivityPayload, type EventOutcome } from "./outcomes.js";
import { applyPrivacyHint } from "./privacy-hint.js";

export const ACTIVITY_SYNC = "activity-sync";
/** Transient Strava failures are retried with Graphile Worker's backoff up to this many times. */
export const ACTIVITY_SYNC_MAX_ATTEMPTS = 10;
/** One job key per activity: a burst of events about it folds into one job. */
export const activityJobKey = (activityId: number) => `activity:${activityId}`;

const FOLLOW_UP_WINDOW_MS = 2 * 24 * 3600 * 1000;

/**
 * Strava is eventually consistent: a new upload may answer 404 for a moment after its create
 * event. Seconds before each re-fetch (about a minute in all) before it is treated as gone.
 */
const NEW_UPLOAD_RETRY_S = [2, 4, 8, 16, 30];

/**
 * `activity-sync`: fetches the activity as Strava describes it NOW and makes the races table match
 * (so duplicate and out-of-order events are harmless). Gone or private → the race is deleted. The
 * Strava layer refuses blocked and departed athletes before any call: their events are ignored.
 */
export function activitySyncTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const payload = activityPayload.parse(raw);
    const upTo = helpers.job.locked_at;
    try {
      await applyPrivacyHint(ctx.db, payload.activityId, upTo);
      const activity = await ctx.strava.forAthlete(payload.athleteId, "webhook").getActivity(payload.activityId);
      const outcome = await applyIfStillConnected(ctx, payload, activity, upTo);
      await recordOutcome(ctx.db, payload, outcome, { upTo });
    } catch (err) {
      await handleFailure(ctx, helpers, payload, err);
    }
  };
}

/**
 * Applies under a share lock on the athlete row, so a revocation or block that committed while we
 * were fetching is seen (and no race of a departed athlete comes back), and a delete Strava
 * confirmed since this job started wins over what we fetched.
 */
async function applyIfStillConnected(ctx: AppContext, p: ActivityPayload, activity: StravaActivity, fetchedAfter: Date | null): Promise<EventOutcome> {
  return withTransaction(ctx.db, async (tx) => {
    const ignored = IGNORED[await ownerState(tx, p.athleteId, { lock: "share" })];
    if (ignored) return ignored;
    if ((await deletedSince(tx, [p.activityId], fetchedAfter)).size > 0) return "deleted";
    const change = await applyActivity(tx, activity);
    if (isRecentUpload(activity) && needsFollowUp(activity)) {
      await scheduleFollowUps(ctx, tx, activity);
    }
    if (isRace(activity)) return "synced";
    return change === "removed" ? "removed" : "not_a_race";
  });
}

/**
 * Strava sends no event when a run is later marked as a race, so fresh runs get follow-up checks.
 * "Fresh" is judged by start date, since a burst of events may fold a create into a later update.
 */
function isRecentUpload(activity: StravaActivity): boolean {
  return Date.now() - Date.parse(activity.start_date) < FOLLOW_UP_WINDOW_MS;
}

/** Permanent outcomes are recorded and the job ends; only transient failures are retried. */
async function handleFailure(ctx: AppContext, helpers: JobHelpers, p: ActivityPayload, err: unknown): Promise<void> {
  const upTo = helpers.job.locked_at;
  if (err instanceof StravaRateLimited) {
    await recordDeferral(ctx.db, p, { upTo, retryAt: err.retryAt });
    return deferJob(ctx, helpers, err.retryAt);
  }
  if (err instanceof AthleteUnavailable) return recordOutcome(ctx.db, p, IGNORED[err.state]!, { upTo });
  if (err instanceof StravaNotFound) {
    if (await retryNewUpload(ctx, helpers, p)) return;
    return recordOutcome(ctx.db, p, await deleteConfirmed(ctx.db, p, upTo), { upTo });
  }
  if (err instanceof StravaUnauthorized) {
    ctx.log.warn({ athleteId: p.athleteId, activityId: p.activityId }, "Strava refused the athlete's token: needs re-authorization");
    return markActivityEvents(ctx.db, p.activityId, "needs_reauth", { upTo, error: err.message });
  }
  if (err instanceof StravaBadRequest) return markActivityEvents(ctx.db, p.activityId, "failed", { upTo, error: err.message });
  if (helpers.job.attempts >= helpers.job.max_attempts) {
    await markActivityEvents(ctx.db, p.activityId, "failed", { upTo, error: String((err as Error)?.message ?? err) });
  }
  throw err;
}

/** A 404 for an activity whose create event this job handles: fetched again a little later. */
async function retryNewUpload(ctx: AppContext, helpers: JobHelpers, p: ActivityPayload): Promise<boolean> {
  const retries = p.notFoundRetries ?? 0;
  const delayS = NEW_UPLOAD_RETRY_S[retries];
  if (delayS === undefined || !(await awaitsUpload(ctx.db, p.activityId, helpers.job.locked_at))) return false;
  const runAt = new Date(Date.now() + delayS * 1000);
  await deferJob(ctx, helpers, runAt, { payload: { ...p, notFoundRetries: retries + 1 }, why: "new upload not found yet: fetched again shortly" });
  return true;
}

/** This job handles the activity's create event, and no delete event for it has arrived. */
async function awaitsUpload(db: Db, activityId: number, upTo: Date | null): Promise<boolean> {
  const [row] = await db.execute<{ awaits: boolean }>(sql`
    select bool_or(aspect_type = 'create' and outcome = 'queued' and received_at <= coalesce(${upTo}::timestamptz, now()))
       and not bool_or(aspect_type = 'delete') as awaits
    from webhook_events where object_type = 'activity' and object_id = ${activityId}`);
  return row?.awaits === true;
}
