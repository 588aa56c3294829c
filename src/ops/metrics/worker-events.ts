import type { Job, WorkerEvents } from "graphile-worker";
import type { Metrics } from "./racesync.js";

/** Turns Graphile Worker's job events into metrics. */
export function observeJobs(events: WorkerEvents, metrics: Metrics): void {
  const startedAt = new Map<string, number>();
  const finish = (job: Job, outcome: "success" | "error") => {
    const started = startedAt.get(job.id);
    startedAt.delete(job.id);
    if (started !== undefined) metrics.jobDuration.observe({ task: job.task_identifier, outcome }, (performance.now() - started) / 1000);
  };
  events.on("job:start", ({ job }) => {
    startedAt.set(job.id, performance.now());
    metrics.jobsStarted.inc({ task: job.task_identifier });
  });
  events.on("job:success", ({ job }) => {
    metrics.jobsSucceeded.inc({ task: job.task_identifier });
    finish(job, "success");
  });
  events.on("job:error", ({ job }) => {
    metrics.jobErrors.inc({ task: job.task_identifier });
    finish(job, "error");
  });
  events.on("job:failed", ({ job }) => metrics.jobsFailed.inc({ task: job.task_identifier }));
}
