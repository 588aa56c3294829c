import type { JobHelpers } from "graphile-worker";
import type { AppContext } from "../context.js";
import { addJob } from "./jobs.js";

/**
 * Runs the current job again at `runAt` without spending one of its attempts (the rate limit
 * said "not now", which is no failure). Re-adds the same task, payload, key and priority; the
 * caller then returns normally so this run completes. (Job queues are not carried over: the job
 * row only holds the queue id, and none of the deferred tasks use one.) Graphile Worker moves the key off a running
 * job, so the re-added job is a fresh one that later events for the same key fold into.
 */
export async function deferJob(ctx: Pick<AppContext, "sql" | "log">, helpers: JobHelpers, runAt: Date): Promise<void> {
  const job = helpers.job;
  await addJob(ctx.sql, job.task_identifier, job.payload, {
    jobKey: job.key ?? undefined,
    jobKeyMode: job.key ? "preserve_run_at" : undefined,
    runAt,
    priority: job.priority,
    maxAttempts: job.max_attempts,
  });
  ctx.log.info({ task: job.task_identifier, jobKey: job.key, runAt }, "job deferred until the rate-limit window reopens");
}
