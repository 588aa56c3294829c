import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPlannerTick } from "../../src/history/reconcile-all.js";
import { RECONFIRM_TASK } from "../../src/history/reconfirm.js";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";
import { waitFor } from "../support/wait.js";

describe("STRAVA_MAX_CACHE_DAYS: stored races are re-confirmed from Strava or removed", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { STRAVA_MAX_CACHE_DAYS: "2" } });
    await h.startWorker();
  });
  afterEach(async () => h.close());

  const staleCount = async (athleteId: number) =>
    (await h.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId} and confirmed_at < now() - interval '1 day'`)[0]!.n;

  it("removes what Strava no longer has and confirms the rest, one fetch per stale race when that is cheaper", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 450, raceShare: 0.3 } }); // 3 list pages > 2 fetches
    await waitForRun(h, runId);
    const [gone, kept] = h.sim.racesOf(athleteId);
    h.sim.deleteActivity(gone!.id); // no webhook: only the re-confirmation can notice
    await h.sql`update races set confirmed_at = now() - interval '40 hours' where strava_activity_id in (${gone!.id}, ${kept!.id})`;

    const pass = await runPlannerTick(h.ctx, { graceSeconds: 0 });
    expect(pass.reconfirming).toBe(1);
    await waitFor(async () => (await staleCount(athleteId)) === 0, "the stale races to be re-confirmed or removed");
    await waitFor(async () => (await h.sql`select 1 from graphile_worker.jobs where task_identifier = ${RECONFIRM_TASK}`).length === 0, "the job to end");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    expect(await visibleRaceIds(h.sql, athleteId)).not.toContain(gone!.id);
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(2);
  });

  it("re-lists the history instead when its pages are fewer than the stale races", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 40, raceShare: 0.5 } }); // one list page
    await waitForRun(h, runId);
    const [gone] = h.sim.racesOf(athleteId);
    h.sim.deleteActivity(gone!.id);
    await h.sql`update races set confirmed_at = now() - interval '40 hours' where athlete_id = ${athleteId}`;
    const listsBefore = h.sim.counters.requests("GET /athlete/activities");
    await runPlannerTick(h.ctx, { graceSeconds: 0 });
    await waitFor(async () => (await staleCount(athleteId)) === 0, "the stale races to be re-confirmed or removed");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    expect(h.sim.counters.requests("GET /athlete/activities") - listsBefore).toBe(1);
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(0);
  });

  it("removes the races of an athlete who cannot be asked once they pass the limit", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 20, raceShare: 0.5 } });
    await waitForRun(h, runId);
    await h.sql`update athletes set is_blocked = true where strava_id = ${athleteId}`;
    await h.sql`update races set confirmed_at = now() - interval '3 days' where athlete_id = ${athleteId}`;
    await runPlannerTick(h.ctx, { graceSeconds: 0 });
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual([]);
    expect(h.sim.counters.requests("GET /activities/:id")).toBe(0);
  });
});
