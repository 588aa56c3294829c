import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_BEARER } from "../support/callers.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { addJob } from "../../src/db/jobs.js";
import { parsePrometheus, valueOf } from "./prometheus.js";
import { waitFor } from "../support/wait.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { ACTIVITY_SYNC_DEBOUNCE_MS: "0" } });
});
afterAll(() => stack.stop());

async function scrape() {
  const res = await fetch(`${stack.url}/metrics`);
  expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  return parsePrometheus(await res.text());
}

describe("/metrics", () => {
  it("parses as Prometheus text and its counters move as webhooks become races", async () => {
    const athlete = await stack.connect();
    const before = await scrape();
    const stream = await fetch(`${stack.url}/api/stream`, { headers: ADMIN_BEARER });

    const activity = stack.sim.createActivity(athlete, { sport_type: "Run", workout_type: 1 });
    await waitFor(async () => (await stack.sql`select 1 from races where strava_activity_id = ${activity.id}`).length > 0, "the race");
    await waitFor(async () => valueOf(await scrape(), "racesync_event_to_race_seconds_count") > 0, "the latency sample");

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved("racesync_jobs_succeeded_total", { task: "activity-sync" })).toBe(1);
    expect(moved("racesync_job_duration_seconds_count", { task: "activity-sync", outcome: "success" })).toBe(1);
    expect(moved("racesync_strava_calls_total", { status: "200" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, "racesync_webhook_events", { outcome: "synced" })).toBe(1);
    expect(valueOf(after, "racesync_event_to_race_seconds_count")).toBe(1);
    expect(valueOf(after, "racesync_strava_budget_used", { bucket: "overall_short" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, "racesync_strava_budget_limit", { bucket: "read_daily" })).toBeGreaterThan(0);
    expect(valueOf(after, "racesync_sse_clients")).toBe(1);
    await stream.body?.cancel();
  });

  it("exposes the process's own metrics and times every HTTP route, the webhook route first of all", async () => {
    const athlete = await stack.connect();
    stack.sim.createActivity(athlete, { sport_type: "Run" });
    await stack.settle();
    const samples = await scrape();
    for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]) {
      expect(samples.some((s) => s.name === name), name).toBe(true);
    }
    // GC samples exist once the process has collected: allocate until a collection is observed.
    await waitFor(async () => {
      Array.from({ length: 100 }, () => new Array(10_000).fill(0));
      return (await scrape()).some((s) => s.name.startsWith("nodejs_gc_duration_seconds"));
    }, "a garbage-collection sample");
    const webhook = { method: "POST", route: "/webhooks/strava/:secret", status: "200" };
    expect(valueOf(samples, "racesync_http_request_duration_seconds_count", webhook)).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, "racesync_http_request_duration_seconds_bucket", { ...webhook, le: "+Inf" })).toBeGreaterThanOrEqual(1);
  });

  it("counts failed attempts of a task", async () => {
    const before = await scrape();
    const task = { task: "activity-sync" };
    await addJob(stack.verbDb, "activity-sync", { not: "a valid payload" }, { maxAttempts: 1 });
    const failedBefore = valueOf(before, "racesync_jobs_failed_total", task);
    await waitFor(async () => valueOf(await scrape(), "racesync_jobs_failed_total", task) === failedBefore + 1, "the failure");
    const after = await scrape();
    expect(valueOf(after, "racesync_job_errors_total", task) - valueOf(before, "racesync_job_errors_total", task)).toBe(1);
    expect(valueOf(after, "racesync_queue_jobs", { ...task, state: "failed" })).toBe(1);
  });
});

describe("/metrics closed with METRICS_TOKEN", () => {
  let closed: TestStack;
  beforeAll(async () => {
    closed = await startTestStack({ env: { METRICS_TOKEN: "metrics-token-0123456789" } });
  });
  afterAll(() => closed.stop());

  it("answers only the bearer of the token", async () => {
    expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${closed.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const open = await fetch(`${closed.url}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789" } });
    expect(open.status).toBe(200);
    expect(valueOf(parsePrometheus(await open.text()), "racesync_sse_clients")).toBe(0);
  });
});

describe("log retention (maintenance task)", () => {
  it("deletes sync logs older than 7 days, webhook events older than 30 and call counts older than 2, keeps the rest", async () => {
    const athlete = await stack.connect();
    const [run] = await stack.sql<{ id: number }[]>`select id from sync_runs where athlete_id = ${athlete} limit 1`;
    await stack.sql`insert into sync_logs (run_id, level, message, at) values
      (${run!.id}, 'info', 'old', now() - interval '8 days'), (${run!.id}, 'info', 'recent', now() - interval '6 days')`;
    await stack.sql`insert into webhook_events (dedupe_key, subscription_id, object_type, aspect_type, object_id, owner_id, event_time, payload, received_at)
      values ('old', 1, 'activity', 'create', 1, 1, 1, '{}', now() - interval '31 days'), ('recent', 1, 'activity', 'create', 2, 1, 1, '{}', now() - interval '29 days')`;
    await stack.sql`insert into athlete_api_calls (athlete_id, hour, calls) values
      (${athlete}, date_trunc('hour', now() - interval '3 days'), 5), (${athlete}, date_trunc('hour', now() - interval '1 day'), 2)`;

    await addJob(stack.verbDb, "maintenance", {});
    await waitFor(async () => (await stack.sql`select 1 from sync_logs where message = 'old'`).length === 0, "retention");
    expect(await stack.sql`select message from sync_logs where run_id = ${run!.id} and message in ('old', 'recent')`).toEqual([{ message: "recent" }]);
    expect(await stack.sql`select dedupe_key from webhook_events where dedupe_key in ('old', 'recent')`).toEqual([{ dedupe_key: "recent" }]);
    expect(await stack.sql`select calls from athlete_api_calls where athlete_id = ${athlete} and hour < now() - interval '1 hour'`).toEqual([{ calls: 2 }]);
  });
});
