import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import { deferJob } from "../db/jobs.js";
import { AthleteUnavailable, StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import { activityPayload, deleteConfirmed, IGNORED, markActivityEvents, recordOutcome } from "./outcomes.js";

export const ACTIVITY_DELETE = "activity-delete";

/**
 * `activity-delete`: an event says the activity was deleted. Webhook events carry no signature, so
 * the race goes only once Strava answers 404 for it with its owner's token (one call); while
 * Strava still has it, nothing changes.
 */
export function activityDeleteTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const p = activityPayload.parse(raw);
    const upTo = helpers.job.locked_at;
    try {
      await ctx.strava.forAthlete(p.athleteId, "webhook").getActivity(p.activityId);
    } catch (err) {
      if (err instanceof StravaNotFound) return recordOutcome(ctx.db, p, await deleteConfirmed(ctx.db, p, upTo), { upTo });
      if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
      if (err instanceof AthleteUnavailable) return recordOutcome(ctx.db, p, IGNORED[err.state]!, { upTo });
      if (err instanceof StravaUnauthorized) return markActivityEvents(ctx.db, p.activityId, "needs_reauth", { upTo, error: err.message });
      throw err;
    }
    ctx.log.warn({ athleteId: p.athleteId, activityId: p.activityId }, "delete event not confirmed: Strava still has the activity; nothing deleted");
    await markActivityEvents(ctx.db, p.activityId, "not_confirmed", { upTo });
  };
}
