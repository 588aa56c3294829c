import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { finishRun } from "./paged-task.js";

type OrphanRow = {
  id: number;
  last_error: string | null;
  job_failed: boolean;
};

/**
 * Marks failed, with the reason, every unfinished backfill, reconcile or full refresh whose page
 * job is gone or failed for good (a crash outside the Strava call, an exhausted retry): such a run
 * would otherwise stay `running` until an admin pressed Stop. `graceSeconds`: runs touched more
 * recently are left alone. Returns the ids of the runs it failed.
 */
export async function failOrphanedRuns(db: Db, graceSeconds: number): Promise<number[]> {
  const orphans = await db.execute<OrphanRow>(sql`
    select s.id, j.last_error, j.id is not null as job_failed
    from sync_runs s
    left join graphile_worker.jobs j
      on j.key = case when s.kind = 'backfill' then 'backfill:' || s.athlete_id else 'reconcile:' || s.id end
    where s.status in ('queued', 'running') and s.kind <> 'activity'
      and s.updated_at < now() - make_interval(secs => ${graceSeconds})
      and (j.id is null or j.attempts >= j.max_attempts)`);
  for (const orphan of orphans) {
    const reason = orphan.job_failed
      ? `its job failed for good: ${orphan.last_error ?? "no error recorded"}`
      : "its job is gone (nothing left to run the next page)";
    await finishRun(db, orphan.id, { status: "failed", error: reason }, `failed: ${reason}`);
  }
  return orphans.map((o) => o.id);
}
