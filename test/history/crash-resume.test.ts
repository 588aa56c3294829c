import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { freePort } from "../support/net.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForFirstPage, waitForRun } from "../support/sync-runs.js";

describe("backfill survives a killed worker", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it("a worker SIGKILLed after the first page: a new worker resumes with no duplicates and no gaps", async () => {
    const { athleteId, runId } = await h.connect({ history: { count: 1050, sameStartDateGroups: 31, sameStartDateGroupSize: 4 } });
    h.sim.faults.apiLatency(400); // slow pages so the kill lands mid-backfill
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role", "worker"], {
      env: { ...process.env, ...h.env, PORT: String(await freePort()) },
      stdio: "ignore",
    });
    try {
      await waitForRun(h, runId, ["running"]);
      await waitForFirstPage(h, runId);
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    const mid = await waitForRun(h, runId, ["running"]);
    expect(mid.pages).toBeLessThan(6);

    // Graphile Worker keeps a dead worker's jobs locked for 4 h; release them as the ops sweeper would.
    await h.sql`
      select graphile_worker.force_unlock_workers(array(select distinct locked_by from graphile_worker.jobs where locked_by is not null))`;
    h.sim.faults.apiLatency(0);
    await h.startWorker();
    const run = await waitForRun(h, runId);

    expect(run.status).toBe("succeeded");
    expect(run.activities_seen).toBe(1050);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
  }, 60_000);
});
