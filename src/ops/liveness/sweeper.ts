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

/**
 * Jobs locked for longer than `deadAfterSeconds` by this process's own pools that none of its
 * workers is running (`runningJobIds`). Graphile Worker writes a job's completion or failure once;
 * when that write meets a database that is restarting, the job stays locked by a pool that lives on
 * and beats, so no sweeper would ever judge it dead.
 */
export async function findLostOwnJobs(
  db: Db, ownWorkerIds: Iterable<string>, runningJobIds: Iterable<string>, deadAfterSeconds: number,
): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select id::text from graphile_worker._private_jobs
    where locked_by = any(${sql.param([...ownWorkerIds])}::text[])
      and locked_at < now() - make_interval(secs => ${deadAfterSeconds})
      and not (id = any(${sql.param([...runningJobIds])}::bigint[]))`);
  return rows.map((r) => r.id);
}

/** Unlocks `jobIds` where this process's pools still hold them and none of its workers took them up since. */
export async function unlockLostOwnJobs(
  db: Db, jobIds: string[], ownWorkerIds: Iterable<string>, runningJobIds: Iterable<string>,
): Promise<void> {
  await db.execute(sql`
    update graphile_worker._private_jobs set locked_by = null, locked_at = null
    where id = any(${sql.param(jobIds)}::bigint[])
      and locked_by = any(${sql.param([...ownWorkerIds])}::text[])
      and not (id = any(${sql.param([...runningJobIds])}::bigint[]))`);
}

/** True when one of `workerIds` beat within `seconds` (by the database's clock). */
async function beatsFreshly(db: Db, workerIds: string[], seconds: number): Promise<boolean> {
  const [row] = await db.execute<{ fresh: boolean }>(sql`
    select exists (select 1 from worker_heartbeats
                   where worker_id = any(${sql.param(workerIds)}::text[]) and beat_at >= now() - make_interval(secs => ${seconds})) as fresh`);
  return row!.fresh;
}
