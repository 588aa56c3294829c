import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logRun } from "../../src/history/runs.js";
import { addJob } from "../../src/db/jobs.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { ADMIN_BEARER, call } from "../support/callers.js";
import { postEvent } from "./helpers.js";

let stack: TestStack;
const get = (path: string) => call(stack.url, "GET", path, ADMIN_BEARER);
const post = (path: string) => call(stack.url, "POST", path, ADMIN_BEARER);

// Web role only: jobs stay queued where the tests can look at them.
beforeAll(async () => {
  stack = await startTestStack({ role: "web" });
});
afterAll(() => stack.stop());

describe("sync runs", () => {
  it("lists runs newest first with filters, and one run with its logs", async () => {
    const a = await stack.connect();
    const b = await stack.connect();
    const all = await get("/api/admin/sync-runs");
    expect(all.status).toBe(200);
    expect(all.json.runs.map((r: any) => r.athlete_strava_id).slice(0, 2)).toEqual([b, a]);
    const onlyA = await get(`/api/admin/sync-runs?athlete_id=${a}&kind=backfill&status=queued&limit=5`);
    expect(onlyA.json.runs).toHaveLength(1);
    const run = onlyA.json.runs[0];
    expect(run).toMatchObject({ athlete_strava_id: a, kind: "backfill", trigger: "signup", status: "queued" });

    await logRun(stack.verbDb, run.id, "info", "page 1 fetched", { activities: 200 });
    await logRun(stack.verbDb, run.id, "warn", "slow page");
    const one = await get(`/api/admin/sync-runs/${run.id}`);
    expect(one.json).toMatchObject({ id: run.id, kind: "backfill" });
    expect(one.json.logs).toEqual([
      { at: expect.any(String), level: "info", message: "page 1 fetched", metadata: { activities: 200 } },
      { at: expect.any(String), level: "warn", message: "slow page", metadata: null },
    ]);
  });

  it("404 for an unknown run, 400 for bad filters", async () => {
    expect((await get("/api/admin/sync-runs/999999")).status).toBe(404);
    const bad = await get("/api/admin/sync-runs?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("limit");
  });
});

describe("queue", () => {
  it("counts jobs by task and state, lists failed jobs, and retries one", async () => {
    const ok = await addJob(stack.verbDb, "maintenance", {});
    const failing = await addJob(stack.verbDb, "activity-sync", { athleteId: 1, activityId: 2 }, { maxAttempts: 3 });
    await stack.sql`update graphile_worker._private_jobs set attempts = 3, last_error = 'Strava 500' where id = ${failing}`;
    const queue = await get("/api/admin/queue");
    expect(queue.json.by_task["maintenance"]).toEqual({ waiting: 1, running: 0, failed: 0 });
    expect(queue.json.by_task["activity-sync"].failed).toBe(1);
    expect(queue.json.failed).toBeGreaterThanOrEqual(1);
    expect(queue.json.failed_jobs).toContainEqual({ id: Number(failing), task: "activity-sync", attempts: 3, last_error: "Strava 500", payload: { athleteId: 1, activityId: 2 } });
    const revoke = await addJob(stack.verbDb, "strava-revoke", { athleteId: 7, accessTokenEnc: "v1:secret-a", refreshTokenEnc: "v1:secret-r" }, { maxAttempts: 1, runAt: new Date(Date.now() + 3_600_000) });
    await stack.sql`update graphile_worker._private_jobs set attempts = 1, last_error = 'Strava 503' where id = ${revoke}`;
    const shown = (await get("/api/admin/queue")).json.failed_jobs.find((j: { id: number }) => j.id === Number(revoke));
    expect(shown.payload).toEqual({ athleteId: 7 }); // a revocation's tokens, even encrypted, stay out of the API
    await stack.sql`select graphile_worker.complete_jobs(array[${revoke}::bigint])`;

    expect((await post(`/api/admin/queue/jobs/${failing}/retry`)).status).toBe(200);
    const [job] = await stack.sql`select attempts, last_error from graphile_worker._private_jobs where id = ${failing}`;
    expect(job).toMatchObject({ attempts: 0, last_error: null });
    expect((await post(`/api/admin/queue/jobs/${ok}/retry`)).status).toBe(409);
    expect((await post("/api/admin/queue/jobs/999999/retry")).status).toBe(404);
  });
});

describe("rate limit", () => {
  it("shows the shared budget's windows", async () => {
    const res = await get("/api/admin/rate-limit");
    expect(res.status).toBe(200);
    expect(res.json.overall.short).toMatchObject({ used: expect.any(Number), limit: expect.any(Number), resets_at: expect.any(String) });
    expect(res.json.read.daily).toMatchObject({ used: expect.any(Number), limit: expect.any(Number) });
  });

  it("shows the day's calls by kind, the projected day against the budget and the club size it serves", async () => {
    await stack.connect();
    await stack.sql`delete from strava_usage`;
    await stack.sql`
      insert into strava_usage (day_start, kind, calls) values
        (date_trunc('day', now() at time zone 'utc') at time zone 'utc', 'webhook', 7),
        (date_trunc('day', now() at time zone 'utc') at time zone 'utc', 'follow_up', 3),
        (date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '1 day', 'webhook', 40)`;
    const { planner } = (await get("/api/admin/rate-limit")).json;
    expect(planner.calls_today).toMatchObject({ webhook: 7, follow_up: 3, reconcile: 0, backfill: 0, confirmation: 0 });
    expect(planner.calls_yesterday).toMatchObject({ webhook: 40 });
    expect(planner.projected_day.limit).toBe(1000);
    expect(planner.projected_day.by_kind.webhook).toBeGreaterThanOrEqual(7);
    expect(planner.projected_day.by_kind.webhook).toBeLessThanOrEqual(47);
    const [athletes] = await stack.sql<{ n: number }[]>`select count(*)::int as n from athletes where status = 'active' and not is_blocked`;
    expect(planner.club.athletes).toBe(athletes!.n);
    expect(planner.club.athletes_served).toBeGreaterThan(athletes!.n);
    expect(planner.reconcile_interval_days).toBe(1); // a small club is reconciled daily
    expect(planner.follow_up_schedule_s).toEqual([7200, 14400, 21600]);
    expect(planner.max_cache_days).toBeNull();
  });
});

describe("webhook events", () => {
  it("lists events with outcome, job key and race, filters by outcome, and replays one", async () => {
    const athlete = await stack.connect();
    await postEvent(stack, { object_id: 5001, owner_id: athlete });
    await postEvent(stack, { object_id: 5002, owner_id: 77_777 });
    await stack.sql`insert into races (strava_activity_id, athlete_id, name, sport_type, distance, moving_time, elapsed_time, start_date, start_date_local)
                       values (5001, ${athlete}, '10K', 'Run', 10000, 2400, 2400, now(), '2026-01-01T10:00:00Z')`;

    const res = await get("/api/admin/webhook-events?limit=10");
    const [unknown, queued] = res.json.events;
    expect(queued).toMatchObject({ object_id: 5001, owner_id: athlete, outcome: "queued", job_key: "activity:5001", strava_activity_id: 5001 });
    expect(unknown).toMatchObject({ object_id: 5002, outcome: "ignored_unknown_athlete", job_key: null, strava_activity_id: null });
    const filtered = await get("/api/admin/webhook-events?outcome=ignored_unknown_athlete");
    expect(filtered.json.events.map((e: any) => e.object_id)).toEqual([5002]);

    await stack.sql`select graphile_worker.remove_job('activity:5001')`;
    await stack.sql`update webhook_events set outcome = 'failed', error = 'boom' where object_id = 5001`;
    const replay = await post(`/api/admin/webhook-events/${queued.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.json.job_key).toBe("activity:5001");
    const [job] = await stack.sql`select task_identifier from graphile_worker.jobs where key = 'activity:5001'`;
    expect(job!.task_identifier).toBe("activity-sync");
    const [event] = await stack.sql`select outcome, error from webhook_events where id = ${queued.id}`;
    expect(event).toMatchObject({ outcome: "queued", error: null });
    expect((await post("/api/admin/webhook-events/999999/replay")).status).toBe(404);
  });
});
