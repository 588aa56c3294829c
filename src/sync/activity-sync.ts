import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity, deleteRace } from "../races/store.js";
import { StravaBadRequest, StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { StravaActivity } from "../strava/types.js";
import { markActivityEvents, type EventOutcome } from "../webhooks/outcomes.js";
import { deferJob } from "../worker/defer.js";
import { syncableState } from "./activity-athlete.js";
import { needsFollowUp, scheduleFollowUps } from "./follow-up.js";

const FOLLOW_UP_WINDOW_MS = 2 * 24 * 3600 * 1000;

export const activityPayload = z.object({ athleteId: z.number().int().positive(), activityId: z.number().int().positive() });
type ActivityPayload = z.infer<typeof activityPayload>;

/**
 * `activity-sync`: fetches the activity as Strava describes it NOW and makes the races table match
 * (so duplicate and out-of-order events are harmless). Gone or private → the race is deleted.
 */
export function activitySyncTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const payload = activityPayload.parse(raw);
    const upTo = helpers.job.locked_at;
    const state = await syncableState(ctx.sql, payload.athleteId);
    if (state !== "active") {
      await markActivityEvents(ctx.sql, payload.activityId, state, { upTo });
      return;
    }
    try {
      const activity = await ctx.strava.forAthlete(payload.athleteId, "webhook").getActivity(payload.activityId);
      const outcome = await applyIfStillConnected(ctx, payload, activity);
      await markActivityEvents(ctx.sql, payload.activityId, outcome, { upTo });
    } catch (err) {
      await handleFailure(ctx, helpers, payload, err);
    }
  };
}

/**
 * Applies under a share lock on the athlete row, so a deauthorization that committed while we
 * were fetching is seen (and no race of a departed athlete comes back).
 */
async function applyIfStillConnected(ctx: AppContext, p: ActivityPayload, activity: StravaActivity): Promise<EventOutcome> {
  return ctx.sql.begin(async (begun) => {
    const tx = begun as unknown as Sql;
    const state = await syncableState(tx, p.athleteId, { lock: true });
    if (state !== "active") return state;
    const change = await applyActivity(tx, activity);
    if (isRecentUpload(activity) && needsFollowUp(activity)) {
      await scheduleFollowUps(ctx, tx, { athleteId: p.athleteId, activityId: p.activityId, createdAt: new Date() });
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
  if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
  if (err instanceof StravaNotFound) {
    await deleteRace(ctx.sql, p.activityId);
    return markActivityEvents(ctx.sql, p.activityId, "deleted", { upTo });
  }
  if (err instanceof StravaUnauthorized) {
    ctx.log.warn({ athleteId: p.athleteId, activityId: p.activityId }, "Strava refused the athlete's token: needs re-authorization");
    return markActivityEvents(ctx.sql, p.activityId, "needs_reauth", { upTo, error: err.message });
  }
  if (err instanceof StravaBadRequest) return markActivityEvents(ctx.sql, p.activityId, "failed", { upTo, error: err.message });
  if (helpers.job.attempts >= helpers.job.max_attempts) {
    await markActivityEvents(ctx.sql, p.activityId, "failed", { upTo, error: String((err as Error)?.message ?? err) });
  }
  throw err;
}
