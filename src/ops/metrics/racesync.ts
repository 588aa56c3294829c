import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AppContext } from "../../context.js";
import { jobStateSql } from "../../db/jobs.js";
import type { Log } from "../../log.js";

/** racesync's metrics of one process (prom-client): `/metrics` renders them with Node's own. */
export interface Metrics {
  registry: Registry;
  jobsStarted: Counter<"task">;
  jobsSucceeded: Counter<"task">;
  jobErrors: Counter<"task">;
  jobsFailed: Counter<"task">;
  jobDuration: Histogram<"task" | "outcome">;
  stravaCalls: Counter<"endpoint" | "status">;
  stravaCallDuration: Histogram<"endpoint">;
  eventToRace: Histogram;
  sseClients: Gauge;
  httpRequestDuration: Histogram<"method" | "route" | "status">;
  webhookEventsDropped: Counter<"reason">;
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
  collectDefaultMetrics({ register: registry }); // process: CPU, memory, heap, GC, event-loop lag, handles
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets?: number[]) =>
    new Histogram({ name, help, labelNames, registers, ...(buckets && { buckets }) });
  const metrics: Metrics = {
    registry,
    jobsStarted: counter("racesync_jobs_started_total", "Jobs this process started, by task", ["task"]),
    jobsSucceeded: counter("racesync_jobs_succeeded_total", "Jobs this process completed, by task", ["task"]),
    jobErrors: counter("racesync_job_errors_total", "Job attempts that threw (to be retried or not), by task", ["task"]),
    jobsFailed: counter("racesync_jobs_failed_total", "Jobs that failed permanently (no attempt left), by task", ["task"]),
    jobDuration: histogram("racesync_job_duration_seconds", "Job run time, by task and outcome", ["task", "outcome"]),
    stravaCalls: counter("racesync_strava_calls_total", "Strava API calls, by endpoint and HTTP status (0 = no answer)", ["endpoint", "status"]),
    stravaCallDuration: histogram("racesync_strava_call_duration_seconds", "Strava API call time, by endpoint", ["endpoint"]),
    eventToRace: histogram("racesync_event_to_race_seconds", "Webhook received → race row written", [], [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]),
    webhookEventsDropped: counter(
      "racesync_webhook_events_dropped_total",
      "Webhook events received but not stored, by reason (invalid, wrong_subscription, queue_full, timed_out)",
      ["reason"],
    ),
    sseClients: new Gauge({ name: "racesync_sse_clients", help: "Open Server-Sent Events streams in this process", registers }),
    httpRequestDuration: histogram(
      "racesync_http_request_duration_seconds",
      "HTTP request time, by method, route (the matched pattern) and status",
      ["method", "route", "status"],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
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
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], read: (g: Gauge<L>) => Promise<void>) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect: scrapeSafely(ctx.log, name, read) });
  gauge("racesync_webhook_events", "Stored webhook events (retention window), by outcome", ["outcome"], async (g) => {
    const rows = await ctx.db.execute<{ outcome: string; n: number }>(sql`select outcome, count(*) as n from webhook_events group by outcome`);
    g.reset();
    for (const r of rows) g.set({ outcome: r.outcome }, r.n);
  });
  gauge("racesync_queue_jobs", "Graphile Worker jobs, by task and state", ["task", "state"], async (g) => {
    const rows = await ctx.db.execute<{ task: string; state: string; n: number }>(sql`
      select task_identifier as task, ${jobStateSql} as state, count(*) as n
      from graphile_worker.jobs j group by 1, 2`);
    g.reset();
    for (const r of rows) g.set({ task: r.task, state: r.state }, r.n);
  });
  const budget = (name: string, help: string, field: "used" | "limit") =>
    gauge(name, help, ["bucket"], async (g) => {
      const state = await ctx.strava.budget.state();
      for (const [kind, windows] of [["overall", state.overall], ["read", state.read]] as const) {
        for (const [window, w] of Object.entries(windows)) g.set({ bucket: `${kind}_${window}` }, w[field]);
      }
    });
  budget("racesync_strava_budget_used", "Strava requests used in the current window, by bucket", "used");
  budget("racesync_strava_budget_limit", "Strava request limit of the current window, by bucket", "limit");
}

/** A scrape still answers (with the process metrics) while the database does not. */
function scrapeSafely<G>(log: Log, name: string, read: (g: G) => Promise<void>) {
  return async function (this: G) {
    await read(this).catch((err: unknown) => log.warn({ err, metric: name }, "metric not collected"));
  };
}
