import type { Sql } from "../db/client.js";
import { AppError, notFound } from "../http/errors.js";

interface Counts { waiting: number; running: number; failed: number }

export interface QueueState extends Counts {
  by_task: Record<string, Counts>;
  failed_jobs: Array<{ id: number; task: string; attempts: number; last_error: string | null; payload: unknown }>;
}

const FAILED_JOBS_SHOWN = 100;

/** Graphile Worker's queue: waiting, running and permanently failed (attempts exhausted) jobs. */
export async function queueState(sql: Sql): Promise<QueueState> {
  const rows = await sql<{ task: string; state: keyof Counts; n: number }[]>`
    select t.identifier as task,
      case when j.attempts >= j.max_attempts then 'failed' when j.locked_at is not null then 'running' else 'waiting' end as state,
      count(*)::int as n
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    group by 1, 2`;
  const total: Counts = { waiting: 0, running: 0, failed: 0 };
  const byTask: Record<string, Counts> = {};
  for (const r of rows) {
    byTask[r.task] ??= { waiting: 0, running: 0, failed: 0 };
    byTask[r.task]![r.state] += r.n;
    total[r.state] += r.n;
  }
  const failed = await sql<QueueState["failed_jobs"]>`
    select j.id::int as id, t.identifier as task, j.attempts, j.last_error, j.payload
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.attempts >= j.max_attempts
    order by j.updated_at desc limit ${FAILED_JOBS_SHOWN}`;
  return { ...total, by_task: byTask, failed_jobs: [...failed] };
}

/** Gives a permanently failed job a fresh set of attempts, to run now. */
export async function retryFailedJob(sql: Sql, jobId: number): Promise<void> {
  const [job] = await sql<{ failed: boolean }[]>`
    select attempts >= max_attempts as failed from graphile_worker._private_jobs where id = ${jobId}`;
  if (!job) throw notFound(`job ${jobId}`);
  if (!job.failed) throw new AppError("CONFLICT", `job ${jobId} has not failed permanently; it will run by itself`);
  await sql`
    update graphile_worker._private_jobs
    set attempts = 0, run_at = now(), last_error = null, locked_at = null, locked_by = null, updated_at = now()
    where id = ${jobId}`;
}
