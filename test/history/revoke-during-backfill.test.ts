import { afterEach, describe, expect, it } from "vitest";
import { setAthleteFlags } from "../../src/admin/athlete-flags.js";
import { getRun } from "../../src/history/runs.js";
import { databaseText, NO_ROWS, rowsNamingAthlete } from "../support/dump.js";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";
import { waitForFirstPage, waitForRun } from "../support/sync-runs.js";

describe("a revoked or blocked athlete's history sync writes nothing more", () => {
  let stack: TestStack | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await stack?.stop();
    await h?.close();
  });

  it("a revocation in the middle of a 3,000-activity backfill: nothing of the athlete remains, then or 15 s later", async () => {
    stack = await startTestStack();
    const s = stack;
    const { id } = s.sim.seedAthlete({ firstname: "Zebulon", lastname: "Quartermaine" });
    s.sim.seedHistory(id, { count: 3000, raceShare: 0.3 });
    s.sim.faults.apiLatency(300); // pages in flight when the revocation lands
    await s.connect({ athleteId: id });
    await waitFor(async () => (await s.sql`select 1 from races where athlete_id = ${id} limit 1`).length > 0, "the first page's races");

    const [midway] = await s.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${id}`;
    expect(midway!.n).toBeLessThan(s.sim.racesOf(id).length / 2);
    s.sim.deauthorizeAthlete(id);
    await s.settle(30_000);
    const [run] = await s.sql<{ pages: number }[]>`select pages from sync_runs where athlete_id = ${id}`;
    expect(run).toBeUndefined(); // the run went with the athlete
    // A page job already running when the revocation committed still names the athlete until it ends (writing nothing).
    await waitFor(async () => (await rowsNamingAthlete(s.sql, id)).jobs === 0, "the page job in flight to end");
    expect(await rowsNamingAthlete(s.sql, id)).toEqual(NO_ROWS);

    await new Promise((r) => setTimeout(r, 15_000)); // the requirement: still nothing 15 s later
    expect(await rowsNamingAthlete(s.sql, id)).toEqual(NO_ROWS);
    const dump = await databaseText(s.sql);
    expect(dump).not.toContain("Zebulon");
    expect(dump).not.toContain("Quartermaine");
    expect(s.sim.racesOf(id).length).toBeGreaterThan(500); // Strava still has them all
  }, 90_000);

  it("a block stops a backfill between pages, writing nothing more; the unblock resumes the same run where it stopped", async () => {
    h = await startHarness();
    const hh = h;
    const { athleteId, runId } = await hh.connect({ history: { count: 1000, raceShare: 0.3 } });
    hh.sim.faults.apiLatency(300);
    await hh.startWorker();
    await waitForFirstPage(hh, runId);
    await setAthleteFlags(hh.ctx, athleteId, { is_blocked: true });
    const stopped = await waitForRun(hh, runId, ["cancelled"]);
    expect(stopped.pages).toBeLessThan(5);
    const racesWhenStopped = await visibleRaceIds(hh.sql, athleteId);
    expect((await getRun(hh.verbDb, runId))!.pages).toBe(stopped.pages);

    hh.sim.faults.apiLatency(0);
    await setAthleteFlags(hh.ctx, athleteId, { is_blocked: false });
    const resumed = await waitForRun(hh, runId, ["succeeded"]);
    expect(resumed.activities_seen).toBe(1000);
    expect(resumed.pages).toBe(6); // 5 pages of 200 and the empty one: none fetched twice
    expect(await hh.sql`select 1 from sync_runs where athlete_id = ${athleteId}`).toHaveLength(1);
    const races = await visibleRaceIds(hh.sql, athleteId);
    expect(races).toEqual(simRaceIds(hh.sim, athleteId));
    expect(racesWhenStopped.length).toBeLessThan(races.length);
  }, 60_000);
});
