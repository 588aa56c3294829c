import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";

describe("the import's time estimate", () => {
  let h: Harness;
  afterEach(async () => h.close());

  it("shows eta_seconds from the pages left and the budget's pace, decreasing page by page", async () => {
    // Two-second windows of 4 reads: three a window for the import (the rest is the webhook reserve).
    h = await startHarness({ sim: { windowSeconds: 2, limits: { read15: 4 } }, env: { STRAVA_RATE_LIMIT_WINDOW_S: "2" } });
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count: 1000 } });
    const run = await waitForRun(h, runId, undefined, 60_000);
    expect(run.status).toBe("succeeded");
    expect(run.eta_seconds).toBeNull(); // finished
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    expect(h.sim.counters.requests("GET /athletes/:id/stats")).toBe(1); // the history is sized once

    const pages = await h.sql<{ eta: number | null }[]>`
      select (metadata->>'eta_seconds')::int as eta from sync_logs where run_id = ${runId} and message like 'page %' order by id`;
    const etas = pages.map((p) => p.eta);
    expect(etas).toHaveLength(6); // 1,000 activities: five full pages and an empty one
    expect(etas.every((eta) => eta !== null)).toBe(true);
    expect(etas.at(-1)).toBe(0);
    // Five pages left after the first: at three a window that is at least a window and more away.
    expect(etas[0]!).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < etas.length; i++) expect(etas[i]!).toBeLessThanOrEqual(etas[i - 1]! + 1); // decreasing (1 s of timing noise)
    expect(etas[0]!).toBeGreaterThan(etas[3]!);
  }, 90_000);
});
