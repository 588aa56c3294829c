import type { Task } from "graphile-worker";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { withTransaction, type Db } from "../db/client.js";
import { mayWrite, ownerState } from "../db/athlete-state.js";
import { deferJob } from "../db/jobs.js";
import { PAGE_SIZE } from "../history/page-cursor.js";
import { deletedSince } from "../races/deleted.js";
import { isRace, needsFollowUp } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import { AthleteUnavailable, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { StravaActivity } from "../strava/types.js";
import {
  deletePending,
  insertPending,
  isDue,
  pendingOf,
  recordMarkDelay,
  reschedulePending,
  type PendingCheck,
} from "./follow-up-store.js";
import { followUpSchedule } from "./follow-up-schedule.js";
import { queueAthleteCheck, queueClubCheck } from "./follow-up-jobs.js";

/**
 * A check still waiting for budget a rate-limit day (STRAVA_RATE_LIMIT_DAY_S, 24 h) after the
 * upload gives up: a whole day's budget has come and gone. Tied to the day's length so compressed
 * time (benchmarks) compresses it too.
 */
const giveUpAfterMs = (ctx: Pick<AppContext, "config">) => ctx.config.strava.daySeconds * 1000;
/** The list call starts this long before the earliest pending start (Strava's `after` is exclusive). */
const LIST_MARGIN_S = 3600;

/** One job per athlete; older per-activity jobs carried more fields, which are ignored. */
const followUpPayload = z.looseObject({ athleteId: z.number().int() });

/**
 * Records a newly uploaded run that is not (yet) a race for re-checks (Strava sends no event when
 * a run is marked as a race later) and makes sure the athlete's check job runs when the first one
 * is due. Call it in activity-sync's transaction; a repeated call for the same activity is a no-op.
 */
export async function scheduleFollowUps(ctx: Pick<AppContext, "config">, tx: Db, activity: StravaActivity, createdAt = new Date()): Promise<void> {
  const schedule = await followUpSchedule(ctx.config, tx);
  // A run shown to everyone appears in the club's feed, which answers every member's checks at once.
  const viaClub = ctx.config.clubId !== undefined && activity.visibility === "everyone";
  await insertPending(tx, {
    athleteId: activity.athlete.id,
    activityId: activity.id,
    createdAt,
    startDate: new Date(activity.start_date),
    dueAt: new Date(createdAt.getTime() + schedule[0]! * 1000),
    shape: { distance: activity.distance, movingTime: activity.moving_time, elapsedTime: activity.elapsed_time },
    viaClub,
  });
  if (viaClub) await queueClubCheck(tx, schedule);
  else await queueAthleteCheck(tx, activity.athlete.id);
}

/**
 * `activity-follow-up` {athleteId}: answers every pending check of one athlete with ONE list call
 * (`after` = the earliest pending start minus a margin), whatever the number of runs pending.
 * Runs found marked as races are applied (and the delay since upload recorded); runs that stay
 * runs move to their next check or leave the schedule; runs the list no longer shows are dropped.
 */
export function activityFollowUpTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { athleteId } = followUpPayload.parse(raw);
    const now = Date.now();
    const pending = await dropStale(ctx, await pendingOf(ctx.db, athleteId), now);
    if (!pending.some((p) => isDue(p, now))) return queueAthleteCheck(ctx.db, athleteId);
    let listed: StravaActivity[];
    try {
      const after = Math.floor(Math.min(...pending.map((p) => p.startDate.getTime())) / 1000) - LIST_MARGIN_S;
      listed = await ctx.strava.forAthlete(athleteId, "follow_up").listActivities({ after, perPage: PAGE_SIZE });
    } catch (err) {
      if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
      if (err instanceof StravaUnauthorized || err instanceof AthleteUnavailable) return deletePending(ctx.db, pending.map((p) => p.activityId));
      throw err;
    }
    const answered = await withTransaction(ctx.db, (tx) => answerChecks(ctx, tx, athleteId, { pending, listed, now, fetchedAfter: helpers.job.locked_at }));
    ctx.log.info({ athleteId, pending: pending.length, ...answered }, "follow-up check");
    await queueAthleteCheck(ctx.db, athleteId);
  };
}

interface CheckInput {
  pending: PendingCheck[];
  listed: StravaActivity[];
  now: number;
  /** When the job started: an activity Strava confirmed deleted since then is not written back. */
  fetchedAfter: Date | null;
}

/** Applies one list call's answer to the athlete's pending checks → counts for the log. */
async function answerChecks(ctx: AppContext, tx: Db, athleteId: number, input: CheckInput) {
  const counts = { races: 0, dropped: 0, rescheduled: 0 };
  // Under the athlete's row lock: nothing is written for a blocked or revoked athlete.
  if (!mayWrite(await ownerState(tx, athleteId, { lock: "share" }))) return counts;
  const deleted = await deletedSince(tx, input.pending.map((p) => p.activityId), input.fetchedAfter);
  const byId = new Map(input.listed.filter((a) => !deleted.has(a.id)).map((a) => [a.id, a]));
  const complete = input.listed.length < PAGE_SIZE;
  const schedule = await followUpSchedule(ctx.config, tx);
  const laterChecks = await budgetHasRoom(ctx);
  const done: number[] = [];
  for (const p of input.pending) {
    const activity = byId.get(p.activityId);
    if (!activity) {
      // Deleted or made private: activity-sync handles what its webhook says. A full page may just not reach it.
      if (complete) done.push(p.activityId);
    } else if (isRace(activity)) {
      await applyActivity(tx, activity);
      await recordMarkDelay(tx, p, input.now);
      done.push(p.activityId);
      counts.races++;
    } else if (!needsFollowUp(activity)) {
      done.push(p.activityId);
    } else if (isDue(p, input.now)) {
      const next = laterChecks ? schedule[p.step + 1] : undefined;
      if (next === undefined) done.push(p.activityId);
      else {
        await reschedulePending(tx, p.activityId, p.step + 1, new Date(p.uploadedAt.getTime() + next * 1000));
        counts.rescheduled++;
      }
    }
  }
  await deletePending(tx, done);
  counts.dropped = done.length - counts.races;
  return counts;
}

/**
 * Checks after the first are made only while the day's projected follow-ups fit in what the
 * planner lets follow-ups spend (the day after webhook work, less the reconciles' floor): when the
 * club grows past what the budget serves, follow-ups shrink to one list call per upload burst (the
 * reconciles still catch later marks). Reconciles beyond their floor only fill what is left.
 */
async function budgetHasRoom(ctx: AppContext): Promise<boolean> {
  const { plan } = await ctx.strava.budget.plan();
  return plan.projected.follow_up < plan.background - plan.reconcileFloor;
}

/** Checks that waited for budget for a day give up (the nightly reconcile still catches the race). */
async function dropStale(ctx: AppContext, pending: PendingCheck[], now: number): Promise<PendingCheck[]> {
  const stale = pending.filter((p) => now - p.uploadedAt.getTime() > giveUpAfterMs(ctx));
  await deletePending(ctx.db, stale.map((p) => p.activityId));
  return pending.filter((p) => !stale.includes(p));
}

