import type { Sql } from "../db/client.js";
import type { EventJob } from "./routing.js";

/**
 * Adds the jobs of one batch of events with graphile_worker.add_jobs (one call per job-key mode
 * instead of one add_job per event). One key may appear once per call, so events about the same
 * activity are folded first: the last event decides the task, a debounced sync keeps the earliest
 * run_at, exactly what successive add_job calls would have left behind.
 */
export async function addEventJobs(sql: Sql, jobs: EventJob[]): Promise<void> {
  const byKey = new Map<string, EventJob>();
  for (const job of jobs) {
    const earlier = byKey.get(job.options.jobKey);
    byKey.delete(job.options.jobKey); // re-inserted below: last event last
    byKey.set(job.options.jobKey, earlier ? foldInto(earlier, job) : job);
  }
  const folded = [...byKey.values()];
  for (const preserveRunAt of [true, false]) {
    const specs = folded.filter((j) => (j.options.jobKeyMode === "preserve_run_at") === preserveRunAt).map(toSpec);
    if (specs.length === 0) continue;
    await sql`
      select 1 from graphile_worker.add_jobs(
        array(select json_populate_record(null::graphile_worker.job_spec, spec)
              from json_array_elements(${JSON.stringify(specs)}::text::json) as spec),
        ${preserveRunAt})`;
  }
}

function foldInto(earlier: EventJob, later: EventJob): EventJob {
  if (later.options.jobKeyMode !== "preserve_run_at" || !earlier.options.runAt || !later.options.runAt) return later;
  const runAt = earlier.options.runAt < later.options.runAt ? earlier.options.runAt : later.options.runAt;
  return { ...later, options: { ...later.options, runAt } };
}

function toSpec(job: EventJob) {
  return {
    identifier: job.task,
    payload: job.payload,
    run_at: job.options.runAt?.toISOString() ?? null,
    max_attempts: job.options.maxAttempts ?? null,
    job_key: job.options.jobKey,
    priority: job.options.priority ?? null,
  };
}
