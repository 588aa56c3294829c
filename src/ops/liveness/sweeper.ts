import type { Sql } from "../../db/client.js";

/**
 * Releases jobs (and job queues) locked by workers that are dead: no heartbeat within
 * `deadAfterSeconds`. A lock younger than that is left alone, so a worker that took a job before
 * its first heartbeat is never robbed. Without this, Graphile Worker waits 4 hours.
 * Returns the worker ids whose locks were released.
 */
export async function releaseDeadWorkerJobs(sql: Sql, deadAfterSeconds: number): Promise<string[]> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ locked_by: string }[]>`
      select distinct locked_by from (
        select locked_by, locked_at from graphile_worker._private_jobs where locked_by is not null
        union all
        select locked_by, locked_at from graphile_worker._private_job_queues where locked_by is not null
      ) locks
      where locked_at < now() - make_interval(secs => ${deadAfterSeconds})
        and not exists (
          select 1 from worker_heartbeats h
          where h.worker_id = locks.locked_by and h.beat_at >= now() - make_interval(secs => ${deadAfterSeconds}))`;
    const dead = rows.map((r) => r.locked_by);
    if (dead.length > 0) await tx`select graphile_worker.force_unlock_workers(${dead}::text[])`;
    await tx`delete from worker_heartbeats where beat_at < now() - make_interval(secs => ${deadAfterSeconds * 10})`;
    return dead;
  });
}
