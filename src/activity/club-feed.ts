import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import { withTransaction } from "../db/client.js";
import { mayWrite, ownerState } from "../db/athlete-state.js";
import { deferJob } from "../db/jobs.js";
import { deletedSince } from "../races/deleted.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import { StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { ClubActivity } from "../strava/types.js";
import { followUpSchedule } from "./follow-up-schedule.js";
import { queueAthleteCheck, queueClubCheck } from "./follow-up-jobs.js";
import { clubPending, deletePending, leaveClubFeed, recordFeedRead, recordMarkDelay, type ClubPending } from "./follow-up-store.js";

const FEED_PAGE_SIZE = 200;
/** A read stops here even when some runs were not found (they may not be in the club). */
const MAX_FEED_PAGES = 5;
/** Reads that did not show a run before it goes back to its athlete's own checks. */
const MISSES_BEFORE_OWN_CHECKS = 2;

/** The feed shows no ids: a run is known there by its athlete's first name and last initial, its distance and its times. */
const runKey = (firstname: string | null | undefined, lastname: string | null | undefined, distance: number, moving: number, elapsed: number) =>
  [(firstname ?? "").trim(), (lastname ?? "").trim().charAt(0), Math.round(distance), moving, elapsed].join("|");
const entryKey = (e: ClubActivity) => runKey(e.athlete.firstname, e.athlete.lastname, e.distance, e.moving_time, e.elapsed_time);
const pendingKey = (p: ClubPending) => runKey(p.firstname, p.lastname, p.shape.distance, p.shape.movingTime, p.shape.elapsedTime);

/**
 * `club-feed-check`: answers the pending checks of every member's runs shown to everyone with one
 * read of the club's feed (STRAVA_CLUB_ID; a page or two), read with the token of the athlete who
 * uploaded last. A run the feed shows marked as a race is fetched with its owner's token and
 * applied; one the feed shows until its schedule's last check leaves the schedule; one it does not
 * show twice (not a member, made private), and the runs of athletes who are not active (blocked,
 * needing to reconnect), go back to their athletes' own checks.
 */
export function clubFeedTask(ctx: AppContext): Task {
  return async (_raw, helpers) => {
    const schedule = await followUpSchedule(ctx.config, ctx.db);
    const all = await clubPending(ctx.db);
    // The feed was switched off, or the athlete cannot be asked now: their own checks handle what is left.
    const own = ctx.config.clubId === undefined ? all : all.filter((p) => p.owner !== "active");
    await backToOwnChecks(ctx, own);
    const pending = all.filter((p) => !own.includes(p));
    if (pending.length === 0 || ctx.config.clubId === undefined) return;
    const reader = pending.reduce((a, b) => (b.uploadedAt > a.uploadedAt ? b : a)).athleteId;
    let feed: ClubActivity[];
    try {
      feed = await readFeed(ctx, ctx.config.clubId, reader, pending);
    } catch (err) {
      if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
      if (!(err instanceof StravaNotFound || err instanceof StravaUnauthorized)) throw err;
      ctx.log.warn({ athleteId: reader, clubId: ctx.config.clubId }, "the club's feed refused this athlete (not a member?): their runs go back to their own checks");
      await backToOwnChecks(ctx, pending.filter((p) => p.athleteId === reader));
      return queueClubCheck(ctx.db, schedule, new Date());
    }
    const shown = new Map(feed.map((e) => [entryKey(e), e]));
    const seen = pending.filter((p) => shown.has(pendingKey(p)));
    const marked = seen.filter((p) => isRace(shown.get(pendingKey(p))!));
    let races = 0;
    for (const p of marked) if (await confirmRace(ctx, p, helpers.job.locked_at)) races++;
    const lastCheckMs = schedule.at(-1)! * 1000;
    const done = seen.filter((p) => !marked.includes(p) && Date.now() >= p.uploadedAt.getTime() + lastCheckMs);
    const missed = pending.filter((p) => !seen.includes(p));
    await deletePending(ctx.db, done.map((p) => p.activityId));
    await recordFeedRead(ctx.db, seen.map((p) => p.activityId), missed.map((p) => p.activityId));
    await backToOwnChecks(ctx, missed.filter((p) => p.misses + 1 >= MISSES_BEFORE_OWN_CHECKS));
    ctx.log.info({ pending: pending.length, shown: seen.length, races, done: done.length, missed: missed.length }, "club feed check");
    if ((await clubPending(ctx.db)).length > 0) await queueClubCheck(ctx.db, schedule);
  };
}

/** Pages of the feed, newest first, until every pending run was shown, the feed ends, or the page limit. */
async function readFeed(ctx: AppContext, clubId: number, reader: number, pending: ClubPending[]): Promise<ClubActivity[]> {
  const api = ctx.strava.forAthlete(reader, "follow_up");
  const unseen = new Set(pending.map(pendingKey));
  const feed: ClubActivity[] = [];
  for (let page = 1; page <= MAX_FEED_PAGES; page++) {
    const entries = await api.listClubActivities(clubId, { page, perPage: FEED_PAGE_SIZE });
    feed.push(...entries);
    for (const e of entries) unseen.delete(entryKey(e));
    if (entries.length < FEED_PAGE_SIZE || unseen.size === 0) break;
  }
  return feed;
}

/**
 * The feed says a pending run is now a race: fetches it with its owner's token (the feed is only
 * a pointer, read with another member's) and applies it. True when a race was stored.
 */
async function confirmRace(ctx: AppContext, p: ClubPending, fetchedAfter: Date | null): Promise<boolean> {
  let activity;
  try {
    activity = await ctx.strava.forAthlete(p.athleteId, "follow_up").getActivity(p.activityId);
  } catch (err) {
    if (!(err instanceof StravaNotFound || err instanceof StravaUnauthorized)) throw err;
    await deletePending(ctx.db, [p.activityId]); // gone, or no longer ours to read: its own events say the rest
    return false;
  }
  if (!isRace(activity)) return false; // another run of the same shape; this one keeps its checks
  return withTransaction(ctx.db, async (tx) => {
    if (!mayWrite(await ownerState(tx, p.athleteId, { lock: "share" }))) return false;
    if ((await deletedSince(tx, [p.activityId], fetchedAfter)).size > 0) return false;
    await applyActivity(tx, activity);
    await recordMarkDelay(tx, p, Date.now());
    await deletePending(tx, [p.activityId]);
    return true;
  });
}

async function backToOwnChecks(ctx: AppContext, runs: ClubPending[]): Promise<void> {
  await leaveClubFeed(ctx.db, runs.map((p) => p.activityId));
  for (const athleteId of new Set(runs.map((p) => p.athleteId))) await queueAthleteCheck(ctx.db, athleteId);
}
