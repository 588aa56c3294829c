import { hostname } from "node:os";
import type { WorkerEvents } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";

/**
 * The ids of this process's live Graphile Worker pools: the ids they lock jobs with
 * (`_private_jobs.locked_by`; in graphile-worker 0.17 every job a pool takes is locked by the
 * pool's id, not the worker's). A pool that has ended is dropped and `onEnded` told: a pool ended
 * by a lost database connection cannot have released its jobs, and while its id went on beating
 * no sweeper would ever release them.
 */
export function trackWorkerIds(events: WorkerEvents, onEnded: (workerId: string) => void): Set<string> {
  const ids = new Set<string>();
  events.on("pool:create", ({ workerPool }) => ids.add(workerPool.id));
  events.on("pool:release", ({ workerPool }) => {
    ids.delete(workerPool.id);
    onEnded(workerPool.id);
  });
  return ids;
}

/**
 * The ids of the jobs this process's workers are running now, from Graphile's `job:start` to
 * `job:complete`: a job its own pool holds locked that is not here is no longer being worked.
 */
export function trackRunningJobs(events: WorkerEvents): Set<string> {
  const running = new Set<string>();
  events.on("job:start", ({ job }) => running.add(job.id));
  events.on("job:complete", ({ job }) => running.delete(job.id));
  return running;
}

/** Upserts one `worker_heartbeats` row per worker id: "this process is alive". */
export async function beat(db: Db, workerIds: Iterable<string>): Promise<void> {
  const ids = [...workerIds];
  if (ids.length === 0) return;
  await db.execute(sql`
    insert into worker_heartbeats (worker_id, hostname, pid)
    select unnest(${sql.param(ids)}::text[]), ${hostname()}, ${process.pid}
    on conflict (worker_id) do update set beat_at = now()`);
}

/** A process that stops cleanly says so, instead of waiting to be declared dead. */
export async function forgetWorkers(db: Db, workerIds: Iterable<string>): Promise<void> {
  await db.execute(sql`delete from worker_heartbeats where worker_id = any(${sql.param([...workerIds])}::text[])`);
}
