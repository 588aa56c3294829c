import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { athletes, type Athlete } from "./schema.js";

/**
 * May racesync touch an athlete's data? `unknown` (never connected, or revoked: no row) and
 * `blocked` athletes are left alone; `needs_reauth` ones keep their data but Strava will refuse
 * their tokens until they reconnect. The one rule: in TypeScript here, in SQL below.
 */
export type OwnerState = "active" | "needs_reauth" | "blocked" | "unknown";

export function ownerStateOf(athlete: Pick<Athlete, "status" | "is_blocked"> | undefined): OwnerState {
  if (!athlete || athlete.status === "deauthorized") return "unknown";
  if (athlete.is_blocked) return "blocked";
  return athlete.status === "needs_reauth" ? "needs_reauth" : "active";
}

/** The same rule on `athletes a` (a left join: a missing athlete is `unknown`). */
export const ownerStateSql = sql`(case when a.strava_id is null or a.status = 'deauthorized' then 'unknown'
  when a.is_blocked then 'blocked' when a.status = 'needs_reauth' then 'needs_reauth' else 'active' end)`;

/** Whether racesync may write the athlete's data: never for a blocked or revoked (unknown) athlete. */
export const mayWrite = (state: OwnerState): boolean => state === "active" || state === "needs_reauth";

/**
 * Row lock modes: "share" for writes that add or change an athlete's data (their syncs may run
 * side by side), "update" for deletes, which must not interleave with a sync of the same athlete.
 */
export type OwnerLock = "share" | "update";

/**
 * The athlete's state; with `lock`, under a lock on their row held until the caller's transaction
 * ends. Every write of an athlete's data checks this first in its own transaction: a revocation or
 * block that commits meanwhile waits for the write, and a write that waited for one sees the
 * athlete gone (`unknown`) or blocked, and writes nothing.
 */
export async function ownerState(db: Db, athleteId: number, opts: { lock?: OwnerLock } = {}): Promise<OwnerState> {
  const query = db.select({ status: athletes.status, is_blocked: athletes.is_blocked }).from(athletes).where(eq(athletes.strava_id, athleteId));
  const [athlete] = opts.lock ? await query.for(opts.lock === "share" ? "share" : "no key update") : await query;
  return ownerStateOf(athlete);
}
