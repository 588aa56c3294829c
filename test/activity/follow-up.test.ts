import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scheduleFollowUps } from "../../src/activity/follow-up.js";
import { FOLLOW_UP_TASK } from "../../src/activity/follow-up-jobs.js";
import { followUpSchedule, learnedSchedule, MIN_MARK_SAMPLES } from "../../src/activity/follow-up-schedule.js";
import { activityDetailJson } from "../../src/simulator/serialize.js";
import type { SimActivity } from "../../src/simulator/store.js";
import { stravaActivitySchema } from "../../src/strava/types.js";
import { startHarness, type Harness } from "../support/harness.js";
import { visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";
import { waitFor } from "../support/wait.js";

const LIST = "GET /athlete/activities";

/** The simulated activity as activity-sync would have fetched it. */
const asFetched = (a: SimActivity) => stravaActivitySchema.parse(activityDetailJson(a));

describe("follow-up checks of new runs", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { FOLLOW_UP_SCHEDULE: "1s,2s" } });
  });
  afterEach(async () => h.close());

  async function connected() {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count: 5 } });
    await waitForRun(h, runId);
    return athleteId;
  }

  /** Uploads a run (not a race) and records its checks as activity-sync does. */
  async function uploadRun(athleteId: number, uploadedAt = new Date()) {
    const run = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 0 });
    await scheduleFollowUps(h.ctx, h.verbDb, asFetched(run), uploadedAt);
    return run;
  }

  async function pendingChecks(athleteId: number): Promise<number> {
    const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from follow_ups where athlete_id = ${athleteId}`;
    return row!.n;
  }
  async function checkJobs(): Promise<number> {
    const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker.jobs where task_identifier = ${FOLLOW_UP_TASK}`;
    return row!.n;
  }
  const listCalls = () => h.sim.counters.requests(LIST);
  const allChecksDone = (athleteId: number) =>
    waitFor(async () => (await pendingChecks(athleteId)) === 0 && (await checkJobs()) === 0, "every follow-up check to finish", 15_000);

  it("catches a run marked as a race after upload (Strava sends no event for it) and records how late it was", async () => {
    const athleteId = await connected();
    const run = await uploadRun(athleteId);
    h.sim.updateActivity(run.id, { workout_type: 1 });
    const before = listCalls();
    await allChecksDone(athleteId);
    expect(await visibleRaceIds(h.sql, athleteId)).toContain(run.id);
    expect(listCalls() - before).toBe(1); // a race needs no further checks
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(0);
    const [delay] = await h.sql<{ delay_s: number }[]>`select delay_s from race_mark_delays where activity_id = ${run.id}`;
    expect(delay!.delay_s).toBeGreaterThanOrEqual(0);
  });

  it("one list call answers every pending check of an athlete, whatever the number of runs", async () => {
    const athleteId = await connected();
    // Uploaded together (a moment ahead, so all six are recorded before the first check falls due).
    const burst = new Date(Date.now() + 2000);
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await uploadRun(athleteId, burst));
    expect(await pendingChecks(athleteId)).toBe(6);
    expect(await checkJobs()).toBe(1); // one job per athlete, not per run
    h.sim.updateActivity(runs[2]!.id, { workout_type: 1 });
    h.sim.updateActivity(runs[4]!.id, { workout_type: 1 });
    const before = listCalls();
    await allChecksDone(athleteId);
    // Two scheduled checks (1 s, 2 s after upload) for six runs: two list calls in all.
    expect(listCalls() - before).toBe(2);
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(0);
    const races = await visibleRaceIds(h.sql, athleteId);
    expect(races).toEqual(expect.arrayContaining([runs[2]!.id, runs[4]!.id]));
    expect(races).not.toContain(runs[0]!.id);
  });

  it("a run that stays a run leaves the schedule after its last check", async () => {
    const athleteId = await connected();
    const run = await uploadRun(athleteId);
    const before = listCalls();
    await allChecksDone(athleteId);
    expect(listCalls() - before).toBe(2);
    expect(await visibleRaceIds(h.sql, athleteId)).not.toContain(run.id);
  });

  it("a day whose budget is nearly spent gets only the first check of each run", async () => {
    const athleteId = await connected();
    await h.sql`insert into strava_usage (day_start, kind, calls) values (date_trunc('day', now() at time zone 'utc') at time zone 'utc', 'webhook', 950)`;
    await uploadRun(athleteId);
    const before = listCalls();
    await allChecksDone(athleteId);
    expect(listCalls() - before).toBe(1);
  });

  it("recording the same upload twice does not double the checks", async () => {
    const athleteId = await connected();
    const run = await uploadRun(athleteId);
    await scheduleFollowUps(h.ctx, h.verbDb, asFetched(run));
    expect(await pendingChecks(athleteId)).toBe(1);
    expect(await checkJobs()).toBe(1);
  });

  it("a deleted activity and a run turned into a ride leave the schedule after one call", async () => {
    const athleteId = await connected();
    const gone = await uploadRun(athleteId);
    const ride = await uploadRun(athleteId);
    h.sim.deleteActivity(gone.id);
    h.sim.updateActivity(ride.id, { sport_type: "Ride" });
    const before = listCalls();
    await allChecksDone(athleteId);
    expect(listCalls() - before).toBe(1);
  });

  it("learns the schedule from the club's recorded mark delays once there are enough", async () => {
    expect(await followUpSchedule(h.config, h.verbDb)).toEqual([1, 2]);
    const delays = Array.from({ length: MIN_MARK_SAMPLES }, (_, i) => (i < 19 ? 1 : 2)); // all but one found by the first check
    for (const [i, delay] of delays.entries()) await h.sql`insert into race_mark_delays (activity_id, delay_s) values (${i + 1}, ${delay})`;
    // Cut after the check covering 95% of the marks, and one more (so later marks are still seen).
    const configured = [3600, 9900, 16200, 22500];
    expect(await followUpSchedule({ followUpScheduleSeconds: configured }, h.verbDb)).toEqual([3600, 9900]);
    expect(learnedSchedule(configured, 1200)).toEqual([3600, 9900]);
    expect(learnedSchedule(configured, 9900)).toEqual([3600, 9900, 16200]);
    expect(learnedSchedule(configured, 30_000)).toEqual(configured);
  });
});
