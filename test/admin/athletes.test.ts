import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.js";
import { ADMIN_BEARER, call } from "../support/callers.js";

let stack: TestStack;
const get = (path: string) => call(stack.url, "GET", path, ADMIN_BEARER);
const send = (method: string, path: string, body?: unknown) => call(stack.url, method, path, ADMIN_BEARER, body);

async function queuedJobs(athleteId: number): Promise<string[]> {
  const rows = await stack.sql<{ task: string }[]>`
    select t.identifier as task from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'athleteId' = ${String(athleteId)} order by j.id`;
  return rows.map((r) => r.task);
}

// Web role only: no worker runs, so the jobs the admin API queues stay visible.
beforeAll(async () => {
  stack = await startTestStack({ role: "web" });
});
afterAll(() => stack.stop());

describe("GET /api/admin/athletes", () => {
  it("lists every athlete with sync status, race count, API calls and scope health", async () => {
    const full = await stack.connect({ scopes: "read,activity:read_all" });
    const publicOnly = await stack.connect({ scopes: "read,activity:read" });
    const nothing = await stack.connect({ scopes: "read" });
    await stack.sql`update athletes set backfill_completed_at = now() where strava_id = ${full}`;
    await stack.sql`update sync_runs set status = 'succeeded', finished_at = now() where athlete_id = ${full}`;
    for (let i = 0; i < 3; i++) await stack.ctx.strava.forAthlete(full, "webhook").getAthlete();
    await stack.sql`update sync_runs set status = 'failed', error = 'Strava said no', finished_at = now() where athlete_id = ${nothing}`;

    const res = await get("/api/admin/athletes");
    expect(res.status).toBe(200);
    const byId = new Map<number, any>(res.json.athletes.map((a: any) => [a.strava_id, a]));
    expect(byId.get(full)).toMatchObject({ sync_status: "idle", api_calls_24h: 3, race_count: 0, scope_health: { status: "ok" } });
    expect(byId.get(full).last_success_at).not.toBeNull();
    expect(byId.get(publicOnly)).toMatchObject({ sync_status: "backfilling", scopes: ["read", "activity:read"] });
    expect(byId.get(publicOnly).scope_health).toMatchObject({ status: "warning", message: expect.stringContaining("Only Me") });
    expect(byId.get(nothing)).toMatchObject({ sync_status: "error", sync_error: "Strava said no" });
    expect(byId.get(nothing).scope_health).toMatchObject({ status: "error", message: expect.stringContaining("nothing can be synced") });
  });

  it("shows needs_reauth, deauthorized and a permanently failed job as the athlete's state", async () => {
    const reauth = await stack.connect();
    const gone = await stack.connect();
    const failing = await stack.connect();
    await stack.sql`update sync_runs set status = 'succeeded' where athlete_id in (${reauth}, ${gone}, ${failing})`;
    await stack.sql`update athletes set status = 'needs_reauth' where strava_id = ${reauth}`;
    await stack.sql`update athletes set status = 'deauthorized' where strava_id = ${gone}`;
    await stack.sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'token exploded'
                       where payload->>'athleteId' = ${String(failing)}`;
    const byId = new Map<number, any>((await get("/api/admin/athletes")).json.athletes.map((a: any) => [a.strava_id, a]));
    expect(byId.get(reauth).sync_status).toBe("needs_reauth");
    expect(byId.get(gone).sync_status).toBe("deauthorized");
    expect(byId.get(failing)).toMatchObject({ sync_status: "error", sync_error: "token exploded" });
  });

  it("counts the activities all of an athlete's sync runs checked", async () => {
    const checked = await stack.connect();
    const fresh = await stack.connect();
    await stack.sql`update sync_runs set status = 'succeeded', activities_seen = 200 where athlete_id = ${checked}`;
    await stack.sql`insert into sync_runs (athlete_id, kind, trigger, status, activities_seen) values (${checked}, 'reconcile', 'cron', 'succeeded', 35)`;
    await stack.sql`insert into sync_runs (athlete_id, kind, trigger, status, activities_seen) values (${checked}, 'activity', 'webhook', 'succeeded', 1)`;
    const byId = new Map<number, any>((await get("/api/admin/athletes")).json.athletes.map((a: any) => [a.strava_id, a]));
    expect(byId.get(checked).activities_checked).toBe(236);
    expect(byId.get(fresh).activities_checked).toBe(0);
  });
});

describe("PATCH /api/admin/athletes/:stravaId", () => {
  it("hides an athlete", async () => {
    const id = await stack.connect();
    const res = await send("PATCH", `/api/admin/athletes/${id}`, { is_hidden: true });
    expect(res.status).toBe(200);
    expect(res.json.athlete).toMatchObject({ strava_id: id, is_hidden: true, is_blocked: false });
  });

  it("blocking removes the athlete's queued jobs and cancels their backfill", async () => {
    const id = await stack.connect();
    expect(await queuedJobs(id)).toEqual(["athlete-backfill"]);
    const res = await send("PATCH", `/api/admin/athletes/${id}`, { is_blocked: true });
    expect(res.json.athlete).toMatchObject({ is_blocked: true, sync_status: "blocked" });
    expect(await queuedJobs(id)).toEqual([]);
    const [run] = await stack.sql`select status from sync_runs where athlete_id = ${id}`;
    expect(run!.status).toBe("cancelled");
  });

  it("a blocked athlete's webhook events are stored as ignored and queue no work (no API call)", async () => {
    const id = await stack.connect();
    await send("PATCH", `/api/admin/athletes/${id}`, { is_blocked: true });
    const activity = stack.sim.createActivity(id, { sport_type: "Run", workout_type: 1 });
    await stack.sim.deliveries.idle();
    const [event] = await stack.sql`select outcome, job_key from webhook_events where object_id = ${activity.id}`;
    expect(event).toMatchObject({ outcome: "ignored_blocked", job_key: null });
    expect(await queuedJobs(id)).toEqual([]);
  });

  it("rejects unknown fields, wrong types and unknown athletes", async () => {
    const id = await stack.connect();
    const wrongType = await send("PATCH", `/api/admin/athletes/${id}`, { is_hidden: "yes" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error).toMatchObject({ code: "VALIDATION", field: "is_hidden" });
    expect((await send("PATCH", `/api/admin/athletes/${id}`, { is_admin: true })).status).toBe(400);
    expect((await send("PATCH", "/api/admin/athletes/424242", { is_hidden: true })).status).toBe(404);
    expect((await send("PATCH", "/api/admin/athletes/abc", { is_hidden: true })).status).toBe(400);
  });
});

describe("admin sync control", () => {
  it("starts a reconcile or full refresh → 202 with the run id, queued as a job", async () => {
    const id = await stack.connect();
    const res = await send("POST", `/api/admin/athletes/${id}/sync`, { mode: "full", dry_run: true });
    expect(res.status).toBe(202);
    const [run] = await stack.sql`select kind, trigger, dry_run, status from sync_runs where id = ${res.json.run_id}`;
    expect(run).toMatchObject({ kind: "full", trigger: "admin", dry_run: true, status: "queued" });
    const confirmed = await send("POST", `/api/admin/athletes/${id}/sync`, { mode: "full", allow_mass_delete: true });
    const detail = await send("GET", `/api/admin/sync-runs/${confirmed.json.run_id}`);
    expect(detail.json).toMatchObject({ kind: "full", allow_mass_delete: true, dry_run: false });
    expect(await queuedJobs(id)).toContain("athlete-reconcile");
  });

  it("refuses a bad mode and an unknown athlete", async () => {
    const id = await stack.connect();
    const bad = await send("POST", `/api/admin/athletes/${id}/sync`, { mode: "everything" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("mode");
    expect((await send("POST", "/api/admin/athletes/424242/sync", { mode: "full" })).status).toBe(404);
  });

  it("stop removes queued jobs and cancels the runs", async () => {
    const id = await stack.connect();
    await send("POST", `/api/admin/athletes/${id}/sync`, { mode: "reconcile" });
    const res = await send("POST", `/api/admin/athletes/${id}/sync/stop`);
    expect(res.status).toBe(200);
    expect(res.json.cancelled_runs).toBe(2);
    expect(await queuedJobs(id)).toEqual([]);
    const runs = await stack.sql`select status from sync_runs where athlete_id = ${id}`;
    expect(runs.map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("reconcile-all reconciles every athlete whose import finished and resumes interrupted imports", async () => {
    const done = await stack.connect();
    const pending = await stack.connect();
    await stack.sql`update athletes set backfill_completed_at = null`;
    await stack.sql`update athletes set backfill_completed_at = now() where strava_id = ${done}`;
    const lastImport = new Map((await stack.sql<{ athlete_id: number; status: string }[]>`
      select distinct on (athlete_id) athlete_id::float8 as athlete_id, status from sync_runs where kind = 'backfill'
      order by athlete_id, id desc`).map((r) => [r.athlete_id, r.status]));
    const res = await send("POST", "/api/admin/reconcile");
    expect(res.status).toBe(202);
    const runs = await stack.sql<{ athlete_id: number; kind: string; trigger: string }[]>`
      select athlete_id::float8 as athlete_id, kind, trigger from sync_runs where id = any(${res.json.run_ids}::bigint[]) order by id`;
    expect(runs.filter((r) => r.kind === "reconcile")).toEqual([{ athlete_id: done, kind: "reconcile", trigger: "admin" }]);
    const resumed = runs.filter((r) => r.kind === "backfill");
    expect(resumed.length).toBeGreaterThan(0); // earlier tests stopped imports
    for (const r of resumed) expect(["cancelled", "failed"]).toContain(lastImport.get(r.athlete_id));
    expect(runs.every((r) => r.trigger === "admin" && r.athlete_id !== pending)).toBe(true);
    expect(await queuedJobs(pending)).toEqual(["athlete-backfill"]);
  });

  it("previews what reconciling everyone costs before it starts", async () => {
    await stack.sql`update athletes set backfill_completed_at = now(), is_blocked = false, status = 'active'`;
    const [athletes] = await stack.sql<{ n: number }[]>`select count(*)::int as n from athletes`;
    const runsBefore = await stack.sql`select id from sync_runs`;
    const res = await send("GET", "/api/admin/reconcile/preview");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ athletes: athletes!.n, imports_to_resume: 0, calls: Math.ceil(athletes!.n * 1.2) });
    expect(res.json.share_of_daily_budget).toBeCloseTo(res.json.calls / 1000, 3);
    expect(res.json.seconds_to_finish).toBe(0); // a handful of calls fits in the current window
    expect(await stack.sql`select id from sync_runs`).toHaveLength(runsBefore.length); // a preview starts nothing
  });
});
