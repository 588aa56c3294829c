import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../support/net.js";
import { startHistoryHarness, simRaceIds, type HistoryHarness } from "./harness.js";

describe("backfill survives a killed worker", () => {
  let h: HistoryHarness;
  beforeEach(async () => {
    h = await startHistoryHarness();
  });
  afterEach(async () => h.close());

  it("a worker SIGKILLed after the first page: a new worker resumes with no duplicates and no gaps", async () => {
    const { athleteId, runId } = await h.connect({ count: 1050, sameStartDateGroups: 31, sameStartDateGroupSize: 4 });
    h.sim.faults.apiLatency(400); // slow pages so the kill lands mid-backfill
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role", "worker"], {
      env: { ...process.env, ...h.env, PORT: String(await freePort()) },
      stdio: "ignore",
    });
    try {
      await h.waitForRun(runId, ["running"]);
      for (;;) {
        const [row] = await h.ctx.sql<{ pages: number }[]>`select pages from sync_runs where id = ${runId}`;
        if (row!.pages >= 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    const mid = await h.waitForRun(runId, ["running"]);
    expect(mid.pages).toBeLessThan(6);

    // Graphile Worker keeps a dead worker's jobs locked for 4 h; release them as the ops sweeper would.
    await h.ctx.sql`
      select graphile_worker.force_unlock_workers(array(select distinct locked_by from graphile_worker.jobs where locked_by is not null))`;
    h.sim.faults.apiLatency(0);
    await h.startWorker();
    const run = await h.waitForRun(runId);

    expect(run.status).toBe("succeeded");
    expect(run.activities_seen).toBe(1050);
    expect(await h.raceIds(athleteId)).toEqual(simRaceIds(h.sim, athleteId));
  }, 60_000);
});
