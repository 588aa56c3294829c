import { and, asc, eq, inArray, min, sql } from "drizzle-orm";
import { ownerStateOf, type OwnerState } from "../db/athlete-state.js";
import type { Db } from "../db/client.js";
import { athletes, followUps, raceMarkDelays } from "../db/schema.js";

/** A run waiting for its next check. */
export interface PendingCheck {
  activityId: number;
  startDate: Date;
  uploadedAt: Date;
  step: number;
  dueAt: Date;
}

/** What tells a run apart in a club's feed (which shows no ids). */
export interface RunShape {
  distance: number;
  movingTime: number;
  elapsedTime: number;
}

export async function insertPending(
  db: Db,
  p: { athleteId: number; activityId: number; createdAt: Date; startDate: Date; dueAt: Date; shape: RunShape; viaClub: boolean },
): Promise<void> {
  await db
    .insert(followUps)
    .values({
      activity_id: p.activityId, athlete_id: p.athleteId, start_date: p.startDate, uploaded_at: p.createdAt, step: 0, due_at: p.dueAt,
      distance: p.shape.distance, moving_time: p.shape.movingTime, elapsed_time: p.shape.elapsedTime, via_club: p.viaClub,
    })
    .onConflictDoNothing();
}

/** The athlete's runs checked by the athlete's own list calls (not through the club's feed). */
const ownChecks = (athleteId: number) => and(eq(followUps.athlete_id, athleteId), eq(followUps.via_club, false));

export async function pendingOf(db: Db, athleteId: number): Promise<PendingCheck[]> {
  return db
    .select({ activityId: followUps.activity_id, startDate: followUps.start_date, uploadedAt: followUps.uploaded_at, step: followUps.step, dueAt: followUps.due_at })
    .from(followUps)
    .where(ownChecks(athleteId))
    .orderBy(asc(followUps.due_at));
}

export async function earliestDue(db: Db, athleteId: number): Promise<Date | null> {
  const [row] = await db.select({ due: min(followUps.due_at) }).from(followUps).where(ownChecks(athleteId));
  return row?.due ?? null;
}

export async function reschedulePending(db: Db, activityId: number, step: number, dueAt: Date): Promise<void> {
  await db.update(followUps).set({ step, due_at: dueAt }).where(eq(followUps.activity_id, activityId));
}

export async function deletePending(db: Db, activityIds: number[]): Promise<void> {
  if (activityIds.length === 0) return;
  await db.delete(followUps).where(inArray(followUps.activity_id, activityIds));
}

/**
 * A check counts as due from three quarters of its delay on: checks of runs uploaded close
 * together are answered by the same list call instead of one call each.
 */
export function isDue(p: Pick<PendingCheck, "uploadedAt" | "dueAt">, now: number): boolean {
  const due = p.dueAt.getTime();
  return now >= due - (due - p.uploadedAt.getTime()) / 4;
}

/** Records how long after its upload a run was found marked as a race: the schedule learns from it. */
export async function recordMarkDelay(db: Db, p: Pick<PendingCheck, "activityId" | "uploadedAt">, now: number): Promise<void> {
  const delay = Math.max(0, Math.round((now - p.uploadedAt.getTime()) / 1000));
  await db.insert(raceMarkDelays).values({ activity_id: p.activityId, delay_s: delay }).onConflictDoNothing();
}

/** The club's recorded mark delays of the last 60 days: how many, and their 95th percentile. */
export async function markDelayP95(db: Db): Promise<{ samples: number; p95: number | null }> {
  const [row] = await db.execute<{ samples: number; p95: number | null }>(sql`
    select count(*)::int as samples, percentile_disc(0.95) within group (order by delay_s) as p95
    from race_mark_delays where found_at > now() - interval '60 days'`);
  return row ?? { samples: 0, p95: null };
}

/** A run whose checks the club's feed answers, with what finds it there. */
export interface ClubPending {
  activityId: number;
  athleteId: number;
  uploadedAt: Date;
  firstname: string;
  lastname: string;
  shape: RunShape;
  misses: number;
  owner: OwnerState;
}

export async function clubPending(db: Db): Promise<ClubPending[]> {
  const rows = await db
    .select({
      activityId: followUps.activity_id, athleteId: followUps.athlete_id, uploadedAt: followUps.uploaded_at,
      firstname: athletes.firstname, lastname: athletes.lastname, distance: followUps.distance,
      movingTime: followUps.moving_time, elapsedTime: followUps.elapsed_time, misses: followUps.club_misses,
      status: athletes.status, is_blocked: athletes.is_blocked,
    })
    .from(followUps)
    .innerJoin(athletes, eq(athletes.strava_id, followUps.athlete_id))
    .where(eq(followUps.via_club, true));
  return rows.map(({ distance, movingTime, elapsedTime, status, is_blocked, ...r }) => ({
    ...r,
    shape: { distance: distance ?? 0, movingTime: movingTime ?? 0, elapsedTime: elapsedTime ?? 0 },
    owner: ownerStateOf({ status, is_blocked }),
  }));
}

/** After a read of the feed: runs it showed start counting misses afresh, runs it did not count one more. */
export async function recordFeedRead(db: Db, shown: number[], missed: number[]): Promise<void> {
  if (shown.length > 0) await db.update(followUps).set({ club_misses: 0 }).where(inArray(followUps.activity_id, shown));
  if (missed.length > 0) await db.update(followUps).set({ club_misses: sql`${followUps.club_misses} + 1` }).where(inArray(followUps.activity_id, missed));
}

/** Runs the feed cannot answer for go back to their athlete's own checks, due now. */
export async function leaveClubFeed(db: Db, activityIds: number[]): Promise<void> {
  if (activityIds.length === 0) return;
  await db.update(followUps).set({ via_club: false, due_at: sql`now()` }).where(inArray(followUps.activity_id, activityIds));
}
