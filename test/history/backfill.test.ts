import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";

describe("history backfill", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it("backfills 1,050 activities with equal start times at page boundaries: exact race set, minimal list calls", async () => {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count: 1050, sameStartDateGroups: 31, sameStartDateGroupSize: 4 /* stride 33: groups at 198–201 and 396–399 straddle page boundaries */ } });
    const run = await waitForRun(h, runId);

    expect(run.status).toBe("succeeded");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    expect(run.activities_seen).toBe(1050);
    expect(h.sim.counters.requests("GET /athlete/activities")).toBeLessThanOrEqual(Math.ceil(1050 / 200) + 1);
    const [athlete] = await h.sql<{ backfill_completed_at: Date | null; reconcile_watermark: Date | null }[]>`
      select backfill_completed_at, reconcile_watermark from athletes where strava_id = ${athleteId}`;
    expect(athlete!.backfill_completed_at).not.toBeNull();
    expect(athlete!.reconcile_watermark!.toISOString().replace(".000", "")).toBe(h.sim.activitiesOf(athleteId)[0]!.start_date);
  });

  it("a full last page costs exactly one extra empty call", async () => {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count: 400 } });
    const run = await waitForRun(h, runId);
    expect(run.status).toBe("succeeded");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    // 400 activities, overlapping boundary second: pages of 200, 200 (1 repeat), then a short one.
    expect(h.sim.counters.requests("GET /athlete/activities")).toBeLessThanOrEqual(3);
  });

  it("an athlete whose token was revoked fails the run and is flagged for re-authorization", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 30 } });
    h.sim.deauthorizeAthlete(athleteId);
    await h.startWorker();
    const run = await waitForRun(h, runId);
    expect(run.status).toBe("failed");
    const [athlete] = await h.sql<{ status: string }[]>`select status from athletes where strava_id = ${athleteId}`;
    expect(["needs_reauth", "deauthorized"]).toContain(athlete!.status);
  });

  it("Strava 5xx on a page is retried and the backfill still completes exactly", async () => {
    h.sim.faults.api5xxNext(1, 503);
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count: 250 } });
    const run = await waitForRun(h, runId, undefined, 60_000);
    expect(run.status).toBe("succeeded");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
  }, 70_000);
});
