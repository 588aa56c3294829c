import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness, type HarnessAthlete } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";
import { waitFor } from "../support/wait.js";

/** Two worker runners on their own connections (two "processes") sharing one Postgres budget. */
async function compressed(limits: { read15: number; readDay: number; daySeconds: number }): Promise<Harness> {
  const h = await startHarness({
    env: { STRAVA_RATE_LIMIT_WINDOW_S: "2", STRAVA_RATE_LIMIT_DAY_S: String(limits.daySeconds), ACTIVITY_SYNC_DEBOUNCE_MS: "50" },
  });
  h.sim.setLimits({
    read15: limits.read15, overall15: limits.read15 * 2, readDay: limits.readDay, overallDay: limits.readDay * 2,
    windowSeconds: 2, daySeconds: limits.daySeconds,
  });
  await h.startWorker({ separate: true });
  await h.startWorker({ separate: true });
  return h;
}

describe("history sync under compressed rate limits", () => {
  let h: Harness;
  afterEach(async () => h.close());

  it("two workers never get a 429 and a webhook during a big backfill is not starved", async () => {
    h = await compressed({ read15: 6, readDay: 10_000, daySeconds: 86400 });
    await h.subscribeWebhooks();
    const backfills: HarnessAthlete[] = [];
    for (let i = 0; i < 4; i++) backfills.push(await h.connect({ history: { count: 1000 } }));
    await waitForRun(h, backfills[0]!.runId, ["running"]);
    const race = h.sim.createActivity(backfills[0]!.athleteId, { sport_type: "Run", workout_type: 1 });
    await waitFor(async () => (await visibleRaceIds(h.sql, backfills[0]!.athleteId)).includes(race.id), "the webhook's race", 15_000);

    const [open] = await h.sql<{ n: number }[]>`select count(*)::int as n from sync_runs where kind = 'backfill' and status <> 'succeeded'`;
    expect(open!.n).toBeGreaterThan(0); // the webhook's race landed while backfills were still queued
    for (const b of backfills) expect((await waitForRun(h, b.runId, undefined, 60_000)).status).toBe("succeeded");
    for (const b of backfills) expect(await visibleRaceIds(h.sql, b.athleteId)).toEqual(simRaceIds(h.sim, b.athleteId));
    expect(h.sim.counters.rateLimited()).toBe(0);
  }, 90_000);

  it("an exhausted daily limit defers work to the next day window instead of failing it", async () => {
    h = await compressed({ read15: 3, readDay: 4, daySeconds: 6 });
    const backfills = [await h.connect({ history: { count: 500 } }), await h.connect({ history: { count: 500 } })];
    for (const b of backfills) {
      const run = await waitForRun(h, b.runId, undefined, 60_000);
      expect(run.status).toBe("succeeded");
      expect(await visibleRaceIds(h.sql, b.athleteId)).toEqual(simRaceIds(h.sim, b.athleteId));
    }
    expect(h.sim.counters.rateLimited()).toBe(0);
    const [days] = await h.sql<{ n: number }[]>`select count(distinct window_start)::int as n from strava_budget where bucket = 'read_daily' and used > 0`;
    expect(days!.n).toBeGreaterThan(1);
  }, 90_000);
});
