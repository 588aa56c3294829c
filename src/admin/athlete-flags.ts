import type { AppContext } from "../context.js";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { endAllSessions } from "../auth/session.js";
import { changeBoardStanding } from "../races/board.js";
import { cancelAthleteJobs } from "../db/jobs.js";
import { athletes, syncRuns } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { requestRunCancel, resumeSync } from "../history/start.js";
import { listAdminAthletes, type AdminAthlete } from "./athletes.js";

export interface AthleteFlags {
  is_hidden?: boolean;
  is_blocked?: boolean;
}

/**
/**
 * Sets an athlete's flags; hiding and blocking take their races off open dashboards at once (and
 * unhiding brings them back). Blocking also ends the athlete's sessions, removes their queued jobs
 * and asks their running runs to stop; from then on tasks skip them and their webhook events are
 * stored as ignored_blocked. Unblocking resumes their syncs (an interrupted backfill where it stopped).
 */
export async function setAthleteFlags(ctx: AppContext, stravaId: number, flags: AthleteFlags): Promise<AdminAthlete> {
  const updated = await changeBoardStanding(ctx.db, stravaId, async (tx) => {
    const [before] = await tx.select({ blocked: athletes.is_blocked }).from(athletes).where(eq(athletes.strava_id, stravaId));
    if (!before) return false;
    await tx.update(athletes).set({ ...flags, updated_at: sql`now()` }).where(eq(athletes.strava_id, stravaId));
    if (flags.is_blocked) {
      await endAllSessions(tx, stravaId);
      await stopAthleteWork(tx, stravaId);
    }
    if (flags.is_blocked === false && before.blocked) await resumeSync(tx, stravaId);
    return true;
  });
  if (!updated) throw notFound(`athlete ${stravaId}`);
  ctx.log.info({ athleteId: stravaId, ...flags }, "admin changed athlete flags");
  const [athlete] = await listAdminAthletes(ctx, stravaId);
  return athlete!;
}

/** Cancels the athlete's backfill/reconcile runs (a running one stops before its next page), then their other queued jobs. */
export async function stopAthleteWork(db: Db, stravaId: number): Promise<{ removed_jobs: number; cancelled_runs: number }> {
  const runs = await db
    .select({ id: syncRuns.id })
    .from(syncRuns)
    .where(and(eq(syncRuns.athlete_id, stravaId), inArray(syncRuns.status, ["queued", "running"]), ne(syncRuns.kind, "activity")));
  const cancelled: boolean[] = [];
  for (const run of runs) cancelled.push(await requestRunCancel(db, run.id));
  const removed = await cancelAthleteJobs(db, stravaId);
  return { removed_jobs: removed, cancelled_runs: cancelled.filter(Boolean).length };
}
