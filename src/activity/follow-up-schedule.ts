import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { markDelayP95 } from "./follow-up-store.js";

/** Below this many recorded marks the configured schedule is used as is. */
export const MIN_MARK_SAMPLES = 20;

/**
 * Seconds after upload of each check of a new run: FOLLOW_UP_SCHEDULE, cut short once the club has
 * recorded enough races marked after upload (the delay at which each was found). The checks kept
 * reach the first one after 95% of those marks, and one more: a club that starts marking later is
 * then seen by that last check, its delays rise, and the schedule grows back.
 */
export async function followUpSchedule(config: Pick<Config, "followUpScheduleSeconds">, db: Db): Promise<number[]> {
  const { samples, p95 } = await markDelayP95(db);
  if (samples < MIN_MARK_SAMPLES || p95 === null) return config.followUpScheduleSeconds;
  return learnedSchedule(config.followUpScheduleSeconds, p95);
}

/** The configured checks up to the first at or after `p95`, and one more (all of them when none is). */
export function learnedSchedule(configured: number[], p95: number): number[] {
  const covering = configured.findIndex((s) => s >= p95);
  return covering < 0 ? configured : configured.slice(0, covering + 2);
}
