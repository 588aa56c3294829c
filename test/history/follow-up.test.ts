import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scheduleFollowUps } from "../../src/sync/follow-up.js";
import { startHistoryHarness, type HistoryHarness } from "./harness.js";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("follow-up checks of new runs", () => {
  let h: HistoryHarness;
  beforeEach(async () => {
    h = await startHistoryHarness({ env: { FOLLOW_UP_SCHEDULE: "1s,2s" } });
  });
  afterEach(async () => h.close());

  async function uploadRun() {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ count: 5 });
    await h.waitForRun(runId);
    const run = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 0 });
    await scheduleFollowUps(h.ctx, h.ctx.sql, { athleteId, activityId: run.id, createdAt: new Date() });
    return { athleteId, run };
  }

  async function pendingFollowUps(): Promise<number> {
    const [row] = await h.ctx.sql<{ n: number }[]>`
      select count(*)::int as n from graphile_worker.jobs where task_identifier = 'activity-follow-up'`;
    return row!.n;
  }

  it("catches a run marked as a race after upload (Strava sends no event for it)", async () => {
    const { athleteId, run } = await uploadRun();
    h.sim.updateActivity(run.id, { workout_type: 1 });
    for (let i = 0; i < 300 && !(await h.raceIds(athleteId)).includes(run.id); i++) await pause(50);
    expect(await h.raceIds(athleteId)).toContain(run.id);
    // The job that found the race finishes just after its write; no further check may follow it.
    for (let i = 0; i < 100 && (await pendingFollowUps()) > 0; i++) await pause(50);
    expect(await pendingFollowUps()).toBe(0); // a race needs no further checks
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(1);
  });

  it("a run that stays a run costs exactly one call per scheduled check, then stops", async () => {
    const { athleteId, run } = await uploadRun();
    await pause(3500);
    expect(await pendingFollowUps()).toBe(0);
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(2);
    expect(await h.raceIds(athleteId)).not.toContain(run.id);
  });

  it("scheduling twice for the same upload does not double the checks", async () => {
    const { athleteId, run } = await uploadRun();
    await scheduleFollowUps(h.ctx, h.ctx.sql, { athleteId, activityId: run.id, createdAt: new Date() });
    expect(await pendingFollowUps()).toBe(1);
  });

  it("a follow-up for a deleted activity stops quietly", async () => {
    const { run } = await uploadRun();
    h.sim.deleteActivity(run.id);
    await pause(1500);
    expect(await pendingFollowUps()).toBe(0);
  });
});
