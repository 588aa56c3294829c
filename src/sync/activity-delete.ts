import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import { deleteRace } from "../races/store.js";
import { markActivityEvents } from "../webhooks/outcomes.js";
import { activityPayload } from "./activity-sync.js";

/** `activity-delete`: the activity is gone on Strava; its race goes too, for real. No API call. */
export function activityDeleteTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { activityId } = activityPayload.parse(raw);
    await ctx.sql.begin(async (tx) => {
      await deleteRace(tx as never, activityId);
      await markActivityEvents(tx as never, activityId, "deleted", { upTo: helpers.job.locked_at });
    });
  };
}
