import type { SimActivity } from "./store.js";

const FAMILY: Array<[string, (sport: string) => boolean]> = [
  ["run", (s) => s.includes("Run")],
  ["ride", (s) => s.includes("Ride")],
  ["swim", (s) => s.includes("Swim")],
];

/**
 * `GET /athletes/{id}/stats` (ActivityStats): all-time run, ride and swim totals of the
 * activities set to Everyone (Strava counts nothing else). Recent and year-to-date totals are
 * given as all-time ones: racesync reads only the counts of the all-time totals.
 */
export function statsJson(activities: SimActivity[]) {
  const everyone = activities.filter((a) => a.visibility === "everyone");
  const totals: Record<string, unknown> = {};
  for (const [family, matches] of FAMILY) {
    const of = everyone.filter((a) => matches(a.sport_type));
    const sum = (f: (a: SimActivity) => number) => of.reduce((n, a) => n + f(a), 0);
    const total = { count: of.length, distance: sum((a) => a.distance), moving_time: sum((a) => a.moving_time), elapsed_time: sum((a) => a.elapsed_time), elevation_gain: 0 };
    for (const period of ["recent", "ytd", "all"]) totals[`${period}_${family}_totals`] = total;
  }
  return { biggest_ride_distance: 0, biggest_climb_elevation_gain: 0, ...totals };
}
