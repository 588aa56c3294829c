import { sql } from "drizzle-orm";
import { withTransaction, type Db } from "../../db/client.js";

/**
 * Releases jobs (and job queues) locked by workers that are dead: no heartbeat within
 * `deadAfterSeconds`. A lock younger than that is left alone, so a worker that took a job before
 * its first heartbeat is never robbed. Without this, Graphile Worker waits 4 hours.
 * The sweeping process (`ownWorkerIds`) judges only while its own heartbeat is fresh: when it is
 * stale too (the database was unreachable, the process was paused), silence proves nothing.
 * Returns the worker ids whose locks were released.
 */
export async function releaseDeadWorkerJobs(db: Db, deadAfterSeconds: number, ownWorkerIds: Iterable<string>): Promise<string[]> {
  return withTransaction(db, async (tx) => {
    if (!(await beatsFreshly(tx, [...ownWorkerIds], deadAfterSeconds / 2))) return [];
    const rows = await tx.execute<{ locked_by: string }>(sql`
      select distinct locked_by from (
        select locked_by, locked_at from graphile_worker._private_jobs where locked_by is not null
        union all
        select locked_by, locked_at from graphile_worker._private_job_queues where locked_by is not null
      ) locks
      where locked_at < now() - make_interval(secs => ${deadAfterSeconds})
        and not exists (
          select 1 from worker_heartbeats h
          where h.worker_id = locks.locked_by and h.beat_at >= now() - make_interval(secs => ${deadAfterSeconds}))`);
    const dead = rows.map((r) => r.locked_by);
    if (dead.length > 0) await tx.execute(sql`select graphile_worker.force_unlock_workers(${sql.param(dead)}::text[])`);
    await tx.execute(sql`delete from worker_heartbeats where beat_at < now() - make_interval(secs => ${deadAfterSeconds * 10})`);
    return dead;
  });
}

/** True when one of `workerIds` beat within `seconds` (by the database's clock). */
async function beatsFreshly(db: Db, workerIds: string[], seconds: number): Promise<boolean> {
  const [row] = await db.execute<{ fresh: boolean }>(sql`
    select exists (select 1 from worker_heartbeats
                   where worker_id = any(${sql.param(workerIds)}::text[]) and beat_at >= now() - make_interval(secs => ${seconds})) as fresh`);
  return row!.fresh;
}
