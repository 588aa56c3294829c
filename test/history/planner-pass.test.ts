import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPlannerTick } from "../../src/history/reconcile-all.js";
import { requestRunCancel, startSync } from "../../src/history/start.js";
import { getRun } from "../../src/history/runs.js";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForFirstPage, waitForRun } from "../support/sync-runs.js";

describe("the planner's pass: everyone reconciled, nothing left hanging", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterEach(async () => h.close());

  async function backfilled(count = 20) {
    const { athleteId, runId } = await h.connect({ history: { count, raceShare: 0.3 } });
    expect((await waitForRun(h, runId)).status).toBe("succeeded");
    return athleteId;
  }

  it("resumes an interrupted import where it stopped instead of skipping the athlete", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 1000, raceShare: 0.2 } });
    h.sim.faults.apiLatency(300); // pages slow enough to stop between them
    await waitForFirstPage(h, runId);
    expect(await requestRunCancel(h.verbDb, runId)).toBe(true);
    const stopped = await waitForRun(h, runId);
    expect(stopped.status).toBe("cancelled");
    h.sim.faults.apiLatency(0);
    const listsBefore = h.sim.counters.requests("GET /athlete/activities");

    const pass = await runPlannerTick(h.ctx, { graceSeconds: 0 });
    expect(pass.resumed).toHaveLength(1);
    const resumed = await waitForRun(h, pass.resumed[0]!);
    expect(resumed).toMatchObject({ status: "succeeded", kind: "backfill", trigger: "cron" });
    // 1,000 activities are 6 pages: the resumed run did only those the stopped one had not.
    expect(resumed.pages + stopped.pages).toBe(6);
    expect(h.sim.counters.requests("GET /athlete/activities") - listsBefore).toBe(resumed.pages);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    const [athlete] = await h.sql<{ done: boolean }[]>`select backfill_completed_at is not null as done from athletes where strava_id = ${athleteId}`;
    expect(athlete!.done).toBe(true);
    expect((await runPlannerTick(h.ctx, { graceSeconds: 0 })).resumed).toEqual([]);
  }, 60_000);

  it("marks failed, with the reason, a run whose job failed for good or is gone", async () => {
    const athleteId = await backfilled();
    const later = new Date(Date.now() + 3600_000);
    const exhausted = await startSync(h.ctx, { athleteId, mode: "reconcile", trigger: "admin", runAt: later });
    await h.sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'socket hang up' where key = ${`reconcile:${exhausted}`}`;
    const other = await backfilled();
    const vanished = await startSync(h.ctx, { athleteId: other, mode: "reconcile", trigger: "admin", runAt: later });
    await h.sql`delete from graphile_worker._private_jobs where key = ${`reconcile:${vanished}`}`;

    const pass = await runPlannerTick(h.ctx, { graceSeconds: 0 });
    expect(pass.failed.sort()).toEqual([exhausted, vanished].sort());
    expect(await getRun(h.verbDb, exhausted)).toMatchObject({ status: "failed", error: "its job failed for good: socket hang up" });
    expect(await getRun(h.verbDb, vanished)).toMatchObject({ status: "failed", error: expect.stringMatching(/job is gone/) });
  });

  it("reconciles the athletes whose reconcile is oldest and due, and only them", async () => {
    const [stale, recent, fresh] = [await backfilled(), await backfilled(), await backfilled()];
    await h.sql`update athletes set last_reconciled_at = now() - interval '8 days' where strava_id = ${stale}`;
    await h.sql`update athletes set last_reconciled_at = now() - interval '2 days' where strava_id = ${recent}`;

    const pass = await runPlannerTick(h.ctx, { graceSeconds: 0 });
    expect(pass.reconciles).toHaveLength(2);
    const runs = await Promise.all(pass.reconciles.map((id) => waitForRun(h, id)));
    expect(runs.map((r) => [r.athlete_strava_id, r.kind, r.trigger, r.status])).toEqual([
      [stale, "reconcile", "cron", "succeeded"],
      [recent, "reconcile", "cron", "succeeded"],
    ]);
    const rows = await h.sql<{ id: number; today: boolean }[]>`
      select strava_id::float8 as id, coalesce(last_reconciled_at > now() - interval '1 minute', false) as today from athletes order by strava_id`;
    expect(rows.find((r) => r.id === fresh)!.today).toBe(false);
    expect(rows.filter((r) => r.today).map((r) => r.id).sort()).toEqual([stale, recent].sort());
    expect((await runPlannerTick(h.ctx, { graceSeconds: 0 })).reconciles).toEqual([]);
  });
});

describe("the planner's pass in compressed time", () => {
  let h: Harness;
  afterEach(async () => h.close());

  it("counts reconcile ages in the rate limit's days (STRAVA_RATE_LIMIT_DAY_S), not in wall-clock days", async () => {
    h = await startHarness({ env: { STRAVA_RATE_LIMIT_DAY_S: "60" } }); // a day of one minute
    await h.startWorker();
    const athletes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { athleteId, runId } = await h.connect({ history: { count: 5 } });
      await waitForRun(h, runId);
      athletes.push(athleteId);
    }
    const [stale] = athletes as [number, number]; // the other was reconciled (backfilled) moments ago
    await h.sql`update athletes set last_reconciled_at = now() - interval '8 minutes' where strava_id = ${stale}`; // 8 compressed days

    const pass = await runPlannerTick(h.ctx, { graceSeconds: 0 });
    const runs = await Promise.all(pass.reconciles.map((id) => waitForRun(h, id)));
    expect(runs.map((r) => r.athlete_strava_id)).toEqual([stale]);
  });
});
