import type { EventJob } from "./routing.js";

/** A Graphile Worker job_spec, plus which add_jobs mode it needs. */
export interface JobSpec {
  identifier: string;
  payload: unknown;
  run_at: string | null;
  max_attempts: number | null;
  job_key: string;
  priority: number | null;
  preserve_run_at: boolean;
}

/**
 * The jobs of one batch of events, one per job key (add_jobs takes a key once per call). Events
 * about the same activity are folded: the last event decides the task, and a debounced sync keeps
 * the earliest run_at — what successive add_job calls would have left behind.
 */
export function foldEventJobs(jobs: EventJob[]): JobSpec[] {
  const byKey = new Map<string, EventJob>();
  for (const job of jobs) {
    const earlier = byKey.get(job.options.jobKey);
    byKey.delete(job.options.jobKey); // re-inserted below: last event last
    byKey.set(job.options.jobKey, earlier ? foldInto(earlier, job) : job);
  }
  return [...byKey.values()].map(toSpec);
}

function foldInto(earlier: EventJob, later: EventJob): EventJob {
  if (later.options.jobKeyMode !== "preserve_run_at" || !earlier.options.runAt || !later.options.runAt) return later;
  const runAt = earlier.options.runAt < later.options.runAt ? earlier.options.runAt : later.options.runAt;
  return { ...later, options: { ...later.options, runAt } };
}

function toSpec(job: EventJob): JobSpec {
  return {
    identifier: job.task,
    payload: job.payload,
    run_at: job.options.runAt?.toISOString() ?? null,
    max_attempts: job.options.maxAttempts ?? null,
    job_key: job.options.jobKey,
    priority: job.options.priority ?? null,
    preserve_run_at: job.options.jobKeyMode === "preserve_run_at",
  };
}
