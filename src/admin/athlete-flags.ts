import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { cancelAthleteJobs } from "../athletes/cancel-jobs.js";
import { notFound } from "../http/errors.js";
import { requestRunCancel } from "../sync/start.js";
import { listAdminAthletes, type AdminAthlete } from "./athletes.js";

export interface AthleteFlags {
  is_hidden?: boolean;
  is_blocked?: boolean;
}

/**
 * Sets an athlete's flags. Blocking also removes their queued jobs and asks their running runs to
 * stop; from then on tasks skip them and their webhook events are stored as ignored_blocked.
 */
export async function setAthleteFlags(ctx: AppContext, stravaId: number, flags: AthleteFlags): Promise<AdminAthlete> {
  const updated = await ctx.sql.begin(async (tx) => {
    const rows = await tx`
      update athletes set
        is_hidden = coalesce(${flags.is_hidden ?? null}::boolean, is_hidden),
        is_blocked = coalesce(${flags.is_blocked ?? null}::boolean, is_blocked),
        updated_at = now()
      where strava_id = ${stravaId}
      returning strava_id`;
    if (rows.length === 0) return false;
    if (flags.is_blocked) await stopAthleteWork(tx as unknown as Sql, stravaId);
    return true;
  });
  if (!updated) throw notFound(`athlete ${stravaId}`);
  ctx.log.info({ athleteId: stravaId, ...flags }, "admin changed athlete flags");
  const [athlete] = await listAdminAthletes(ctx.sql, stravaId);
  return athlete!;
}

/** Cancels the athlete's backfill/reconcile runs (a running one stops before its next page), then their other queued jobs. */
export async function stopAthleteWork(sql: Sql, stravaId: number): Promise<{ removed_jobs: number; cancelled_runs: number }> {
  const runs = await sql<{ id: string }[]>`
    select id::text from sync_runs where athlete_id = ${stravaId} and status in ('queued', 'running') and kind <> 'activity'`;
  const cancelled = await Promise.all(runs.map((r) => requestRunCancel(sql, Number(r.id))));
  const removed = await cancelAthleteJobs(sql, stravaId);
  return { removed_jobs: removed, cancelled_runs: cancelled.filter(Boolean).length };
}
