import type { Db } from "../db/client.js";
import { addJob } from "../db/jobs.js";
import { earliestDue } from "./follow-up-store.js";

export const FOLLOW_UP_TASK = "activity-follow-up";
export const CLUB_FEED_TASK = "club-feed-check";
const FOLLOW_UP_PRIORITY = 10;

/** (Re)queues the athlete's check job at their earliest due check; nothing when none is pending. */
export async function queueAthleteCheck(db: Db, athleteId: number): Promise<void> {
  const due = await earliestDue(db, athleteId);
  if (!due) return;
  await addJob(db, FOLLOW_UP_TASK, { athleteId }, { jobKey: `follow-up:${athleteId}`, jobKeyMode: "replace", priority: FOLLOW_UP_PRIORITY, runAt: due });
}

/**
 * Seconds between two reads of the club's feed: half the schedule's shortest step, so a run
 * marked as a race shows within that half (the athlete's own checks promise a whole step).
 */
export function clubReadIntervalSeconds(schedule: number[]): number {
  const steps = schedule.map((s, i) => s - (schedule[i - 1] ?? 0));
  return Math.max(1, Math.min(...steps) / 2);
}

/** Makes sure the club's feed is read within one read interval (an earlier read already queued stays). */
export async function queueClubCheck(db: Db, schedule: number[], runAt = new Date(Date.now() + clubReadIntervalSeconds(schedule) * 1000)): Promise<void> {
  await addJob(db, CLUB_FEED_TASK, {}, { jobKey: "club-feed", jobKeyMode: "preserve_run_at", priority: FOLLOW_UP_PRIORITY, runAt });
}
