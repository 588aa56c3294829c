import type { AppContext } from "../../context.js";
import { Registry, type Counter, type Gauge, type Histogram } from "./registry.js";

/** racesync's metrics of one process; `/metrics` renders them. */
export interface Metrics {
  registry: Registry;
  jobsStarted: Counter;
  jobsSucceeded: Counter;
  jobErrors: Counter;
  jobsFailed: Counter;
  jobDuration: Histogram;
  stravaCalls: Counter;
  stravaCallDuration: Histogram;
  eventToRace: Histogram;
  sseClients: Gauge;
}

const byContext = new WeakMap<AppContext, Metrics>();

/** The metrics of this process (one per context, so tests with several contexts stay apart). */
export function metricsOf(ctx: AppContext): Metrics {
  let metrics = byContext.get(ctx);
  if (!metrics) {
    metrics = createMetrics(ctx);
    byContext.set(ctx, metrics);
  }
  return metrics;
}

function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();
  const metrics: Metrics = {
    registry,
    jobsStarted: registry.counter("racesync_jobs_started_total", "Jobs this process started, by task"),
    jobsSucceeded: registry.counter("racesync_jobs_succeeded_total", "Jobs this process completed, by task"),
    jobErrors: registry.counter("racesync_job_errors_total", "Job attempts that threw (to be retried or not), by task"),
    jobsFailed: registry.counter("racesync_jobs_failed_total", "Jobs that failed permanently (no attempt left), by task"),
    jobDuration: registry.histogram("racesync_job_duration_seconds", "Job run time, by task and outcome"),
    stravaCalls: registry.counter("racesync_strava_calls_total", "Strava API calls, by endpoint and HTTP status (0 = no answer)"),
    stravaCallDuration: registry.histogram("racesync_strava_call_duration_seconds", "Strava API call time, by endpoint"),
    eventToRace: registry.histogram("racesync_event_to_race_seconds", "Webhook received → race row written", [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]),
    sseClients: registry.gauge("racesync_sse_clients", "Open Server-Sent Events streams in this process"),
  };
  ctx.strava?.onCall((endpoint, status, ms) => {
    metrics.stravaCalls.inc({ endpoint, status });
    metrics.stravaCallDuration.observe({ endpoint }, ms / 1000);
  });
  addDatabaseGauges(ctx, registry);
  return metrics;
}

/** Cluster-wide figures read from Postgres at scrape time (the same from every process). */
function addDatabaseGauges(ctx: AppContext, registry: Registry): void {
  const webhookEvents = registry.gauge("racesync_webhook_events", "Stored webhook events (retention window), by outcome");
  const budgetUsed = registry.gauge("racesync_strava_budget_used", "Strava requests used in the current window, by bucket");
  const budgetLimit = registry.gauge("racesync_strava_budget_limit", "Strava request limit of the current window, by bucket");
  const queue = registry.gauge("racesync_queue_jobs", "Graphile Worker jobs, by task and state");
  registry.onCollect(async () => {
    const rows = await ctx.sql<{ outcome: string; n: number }[]>`select outcome, count(*)::int as n from webhook_events group by outcome`;
    webhookEvents.reset();
    for (const r of rows) webhookEvents.set({ outcome: r.outcome }, r.n);
  });
  registry.onCollect(async () => {
    const rows = await ctx.sql<{ task: string; state: string; n: number }[]>`
      select task_identifier as task,
        case when attempts >= max_attempts then 'failed' when locked_at is not null then 'running' else 'waiting' end as state,
        count(*)::int as n
      from graphile_worker.jobs group by 1, 2`;
    queue.reset();
    for (const r of rows) queue.set({ task: r.task, state: r.state }, r.n);
  });
  registry.onCollect(async () => {
    const state = await ctx.strava.budget.state();
    for (const [kind, windows] of [["overall", state.overall], ["read", state.read]] as const) {
      for (const [window, w] of Object.entries(windows)) {
        budgetUsed.set({ bucket: `${kind}_${window}` }, w.used);
        budgetLimit.set({ bucket: `${kind}_${window}` }, w.limit);
      }
    }
  });
}
