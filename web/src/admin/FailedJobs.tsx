import { api } from "../api.js";
import type { QueueState } from "../types.js";
import { DataTable, EmptyState, ListStates } from "../ui/states.js";
import type { Polled } from "./poll.js";
import { createRowAction, type Notify } from "./row-action.js";

type FailedJob = QueueState["failed_jobs"][number];

/** Jobs that used up their attempts: what failed and why, and a retry that gives them fresh attempts now. */
export function FailedJobs(props: { polled: Polled<QueueState>; notify: Notify }) {
  const jobs = () => props.polled.data()?.failed_jobs ?? [];
  const retry = createRowAction<FailedJob>({
    notify: props.notify,
    label: (job) => `Job ${job.id}`,
    failed: "retry failed",
    act: async (job) => {
      await api.admin.retryJob(job.id);
      props.polled.set((q) => q && { ...q, failed: Math.max(0, q.failed - 1), failed_jobs: q.failed_jobs.filter((j) => j.id !== job.id) });
      void props.polled.refresh();
      return `Job ${job.id} (${job.task}) runs again now.`;
    },
  });

  return (
    <section class="panel" aria-labelledby="failed-jobs-title">
      <h2 id="failed-jobs-title">Failed jobs</h2>
      <ListStates loading={props.polled.loading()} error={props.polled.error()} count={jobs().length} what="failed jobs"
        onRetry={() => void props.polled.refresh()} empty={<EmptyState title="No failed jobs" testid="failed-jobs-empty" />}>
        <DataTable caption="Jobs that used up their attempts, newest first" testid="failed-jobs"
          rows={jobs()}
          head={
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Task</th>
              <th scope="col" class="num">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Payload</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          }
        >
          {(job) => (
            <tr data-testid="failed-job-row" data-job-id={String(job.id)}>
              <td class="num">#{job.id}</td>
              <td><code>{job.task}</code></td>
              <td class="num">{job.attempts}</td>
              <td class="small status-msg">{job.last_error ?? "—"}</td>
              <td><code class="small">{JSON.stringify(job.payload)}</code></td>
              <td>
                <button type="button" class="btn btn-sm" aria-label={`Retry job ${job.id}`} disabled={retry.isRunning(job)} onClick={() => void retry.run(job)}>
                  Retry
                </button>
              </td>
            </tr>
          )}
        </DataTable>
      </ListStates>
    </section>
  );
}
