import type { JobHelpers } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { Log } from "../log.js";
import type { Db } from "./client.js";

export interface JobOptions {
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  jobKey?: string;
  /** replace (default) | preserve_run_at | unsafe_dedupe */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  priority?: number;
}

/** Adds a Graphile Worker job with plain SQL, so it can share the caller's transaction. */
export async function addJob(db: Db, task: string, payload: unknown, opts: JobOptions = {}): Promise<number> {
  const [job] = await db.execute<{ id: number }>(sql`
    select id from graphile_worker.add_job(
      ${task},
      ${JSON.stringify(payload ?? {})}::json,
      queue_name => ${opts.queueName ?? null},
      run_at => ${opts.runAt ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? null}::int,
      job_key => ${opts.jobKey ?? null},
      priority => ${opts.priority ?? null}::int,
      job_key_mode => ${opts.jobKeyMode ?? null}
    )`);
  return job!.id;
}

/**
 * Runs the current job again at `runAt` without spending one of its attempts (the rate limit
 * said "not now", which is no failure). Re-adds the same task, payload (or `payload`), key and
 * priority; the caller then returns normally so this run completes. Graphile Worker moves the key
 * off a running job, so the re-added job is a fresh one that later events for the same key fold into.
 * (Job queues are not carried over: none of the deferred tasks use one.)
 */
export async function deferJob(
  ctx: { db: Db; log: Log },
  helpers: JobHelpers,
  runAt: Date,
  opts: { payload?: unknown; why?: string } = {},
): Promise<void> {
  const job = helpers.job;
  await addJob(ctx.db, job.task_identifier, opts.payload ?? job.payload, {
    jobKey: job.key ?? undefined,
    jobKeyMode: job.key ? "preserve_run_at" : undefined,
    runAt,
    priority: job.priority,
    maxAttempts: job.max_attempts,
  });
  ctx.log.info({ task: job.task_identifier, jobKey: job.key, runAt }, opts.why ?? "job deferred until the rate-limit window reopens");
}

/** A Graphile job's state as the admin page and the metrics show it (`j` = a jobs row). */
export const jobStateSql = sql.raw(
  "case when j.attempts >= j.max_attempts then 'failed' when j.locked_at is not null then 'running' else 'waiting' end",
);

/**
 * Completes (removes) every queued job whose payload names this athlete; jobs running right now
 * are locked and left alone. Returns how many were removed. (The public `jobs` view has no
 * payload column, hence `_private_jobs`.)
 */
export async function cancelAthleteJobs(db: Db, athleteId: number): Promise<number> {
  const rows = await db.execute(sql`
    select id from graphile_worker.complete_jobs(array(
      select id from graphile_worker._private_jobs
      where payload->>'athleteId' = ${String(athleteId)} and locked_at is null
    ))`);
  return rows.length;
}
