/** The mass-delete guard only looks at athletes with at least this many races. */
export const GUARD_MIN_RACES = 5;

export interface GuardVerdict {
  trips: boolean;
  /** For the admin: what the run would have done and why it stopped. */
  explanation: string;
}

/**
 * A sync that would remove more than `share` of an athlete's races is far more likely to be a
 * Strava hiccup (an empty or truncated answer) than the truth, so it stops before removing
 * anything and waits for an admin. `confirmed`: an admin checked and allowed the removals.
 */
export function checkMassDelete(totalRaces: number, removing: number, share: number, confirmed = false): GuardVerdict {
  const ratio = totalRaces === 0 ? 0 : removing / totalRaces;
  const trips = !confirmed && totalRaces >= GUARD_MIN_RACES && ratio > share;
  const percent = (x: number) => `${Math.round(x * 100)}%`;
  const explanation = trips
    ? `mass-delete guard: this sync would remove ${removing} of the athlete's ${totalRaces} races ` +
      `(${percent(ratio)}, above the ${percent(share)} limit). Nothing was removed; check the athlete on Strava, ` +
      `then start the sync again with allow_mass_delete (the admin page's "Apply anyway").`
    : `removing ${removing} of ${totalRaces} races`;
  return { trips, explanation };
}
