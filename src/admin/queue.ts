import { sql } from "drizzle-orm";
import type { JobCounts, QueueState } from "../contract/admin.js";
import type { Db } from "../db/client.js";
import { jobStateSql } from "../db/jobs.js";
import { AppError, notFound } from "../http/errors.js";

export type { QueueState } from "../contract/admin.js";

const FAILED_JOBS_SHOWN = 100;

/** Graphile Worker's queue: waiting, running and permanently failed (attempts exhausted) jobs. */
export async function queueState(db: Db): Promise<QueueState> {
  const rows = await db.execute<{ task: string; state: keyof JobCounts; n: number }>(sql`
    select t.identifier as task, ${jobStateSql} as state, count(*) as n
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    group by 1, 2`);
  const total: JobCounts = { waiting: 0, running: 0, failed: 0 };
  const byTask: Record<string, JobCounts> = {};
  for (const r of rows) {
    byTask[r.task] ??= { waiting: 0, running: 0, failed: 0 };
    byTask[r.task]![r.state] += r.n;
    total[r.state] += r.n;
  }
  const failed = await db.execute<QueueState["failed_jobs"][number]>(sql`
    select j.id, t.identifier as task, j.attempts, j.last_error,
      j.payload::jsonb - array['accessTokenEnc', 'refreshTokenEnc'] as payload -- a strava-revoke job's tokens stay out of sight
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.attempts >= j.max_attempts
    order by j.updated_at desc limit ${FAILED_JOBS_SHOWN}`);
  return { ...total, by_task: byTask, failed_jobs: [...failed] };
}

/** Gives a permanently failed job a fresh set of attempts, to run now. */
export async function retryFailedJob(db: Db, jobId: number): Promise<void> {
  const [job] = await db.execute<{ failed: boolean }>(sql`
    select attempts >= max_attempts as failed from graphile_worker._private_jobs where id = ${jobId}`);
  if (!job) throw notFound(`job ${jobId}`);
  if (!job.failed) throw new AppError("CONFLICT", `job ${jobId} has not failed permanently; it will run by itself`);
  await db.execute(sql`
    update graphile_worker._private_jobs
    set attempts = 0, run_at = now(), last_error = null, locked_at = null, locked_by = null, updated_at = now()
    where id = ${jobId}`);
}
