import type { StravaActivity } from "../strava/types.js";

export const RUN_SPORT_TYPES = new Set(["Run", "TrailRun", "VirtualRun"]);
export const RACE_WORKOUT_TYPE = 1;

/** The one rule for what racesync calls a race: a run marked as a race on Strava. */
export function isRace(activity: Pick<StravaActivity, "sport_type" | "type" | "workout_type">): boolean {
  const sport = activity.sport_type ?? activity.type ?? "";
  return RUN_SPORT_TYPES.has(sport) && activity.workout_type === RACE_WORKOUT_TYPE;
}
