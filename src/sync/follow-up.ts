import type { Task } from "graphile-worker";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { isRace, RUN_SPORT_TYPES } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import { StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { StravaActivity } from "../strava/types.js";
import { deferJob } from "../worker/defer.js";
import { addJob } from "../worker/jobs.js";
import { syncableState } from "./activity-athlete.js";

export const FOLLOW_UP_TASK = "activity-follow-up";
const FOLLOW_UP_PRIORITY = 10;
/** A follow-up still waiting for budget this long after the upload gives up. */
const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;

const followUpPayload = z.object({
  athleteId: z.number().int(),
  activityId: z.number().int(),
  /** Epoch ms of the upload: the schedule counts from it. */
  createdAt: z.number(),
  step: z.number().int().nonnegative(),
});
type FollowUpPayload = z.infer<typeof followUpPayload>;

/** Strava sends no event when a run is marked as a race later: such runs get re-checked. */
export function needsFollowUp(activity: Pick<StravaActivity, "sport_type" | "type" | "workout_type">): boolean {
  return RUN_SPORT_TYPES.has(activity.sport_type ?? activity.type ?? "") && !isRace(activity);
}

/**
 * Schedules the re-checks of a newly uploaded run that is not (yet) a race, at
 * FOLLOW_UP_SCHEDULE after its upload. Call it in activity-sync's transaction on create events.
 * One job per activity at a time (the next check is queued by the previous one); repeated calls are no-ops.
 */
export async function scheduleFollowUps(
  ctx: Pick<AppContext, "config">,
  tx: Sql,
  input: { athleteId: number; activityId: number; createdAt: Date },
): Promise<void> {
  await queueCheck(ctx, tx, { ...input, createdAt: input.createdAt.getTime(), step: 0 }, "unsafe_dedupe");
}

/**
 * `activity-follow-up` {athleteId, activityId, createdAt, step}: fetches the activity (priority
 * follow_up) and applies it. Stops once it is a race, gone, or the schedule ends; no budget →
 * deferred to the window's reopening, until 24 h after the upload.
 */
export function activityFollowUpTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const p = followUpPayload.parse(raw);
    if (Date.now() - p.createdAt > GIVE_UP_AFTER_MS) return giveUp(ctx, p);
    if ((await syncableState(ctx.sql, p.athleteId)) !== "active") return;
    let activity: StravaActivity;
    try {
      activity = await ctx.strava.forAthlete(p.athleteId, "follow_up").getActivity(p.activityId);
    } catch (err) {
      if (err instanceof StravaRateLimited) {
        return err.retryAt.getTime() - p.createdAt > GIVE_UP_AFTER_MS ? giveUp(ctx, p) : deferJob(ctx, helpers, err.retryAt);
      }
      if (err instanceof StravaNotFound || err instanceof StravaUnauthorized) return;
      throw err;
    }
    const change = await applyActivity(ctx.sql, activity);
    ctx.log.info({ activityId: p.activityId, step: p.step, change }, "follow-up check");
    if (!needsFollowUp(activity) || p.step + 1 >= ctx.config.followUpScheduleSeconds.length) return;
    await queueCheck(ctx, ctx.sql, { ...p, step: p.step + 1 }, "replace");
  };
}

function giveUp(ctx: AppContext, p: FollowUpPayload): void {
  ctx.log.warn({ activityId: p.activityId, step: p.step }, "follow-up gave up: no budget within 24 h of the upload");
}

async function queueCheck(ctx: Pick<AppContext, "config">, sql: Sql, p: FollowUpPayload, mode: "unsafe_dedupe" | "replace"): Promise<void> {
  const delay = ctx.config.followUpScheduleSeconds[p.step];
  if (delay === undefined) return;
  await addJob(sql, FOLLOW_UP_TASK, p, {
    jobKey: jobKey(p),
    jobKeyMode: mode,
    priority: FOLLOW_UP_PRIORITY,
    runAt: new Date(p.createdAt + delay * 1000),
  });
}

const jobKey = (p: { activityId: number }) => `follow-up:${p.activityId}`;
