import { afterEach, describe, expect, it } from "vitest";
import { startHistoryHarness, simRaceIds, type HistoryHarness } from "./harness.js";

/** Two worker runners on their own connections (two "processes") sharing one Postgres budget. */
async function compressed(limits: { read15: number; readDay: number; daySeconds: number }): Promise<HistoryHarness> {
  const h = await startHistoryHarness({
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
  let h: HistoryHarness;
  afterEach(async () => h.close());

  it("two workers never get a 429 and a webhook during a big backfill is not starved", async () => {
    h = await compressed({ read15: 6, readDay: 10_000, daySeconds: 86400 });
    await h.subscribeWebhooks();
    const backfills = [];
    for (let i = 0; i < 4; i++) backfills.push(await h.connect({ count: 1000 }));
    await h.waitForRun(backfills[0]!.runId, ["running"]);
    const race = h.sim.createActivity(backfills[0]!.athleteId, { sport_type: "Run", workout_type: 1 });
    for (let i = 0; i < 400 && !(await h.raceIds(backfills[0]!.athleteId)).includes(race.id); i++) await new Promise((r) => setTimeout(r, 25));

    const [open] = await h.ctx.sql<{ n: number }[]>`select count(*)::int as n from sync_runs where kind = 'backfill' and status <> 'succeeded'`;
    expect(open!.n).toBeGreaterThan(0); // the webhook's race landed while backfills were still queued
    for (const b of backfills) expect((await h.waitForRun(b.runId, undefined, 60_000)).status).toBe("succeeded");
    for (const b of backfills) expect(await h.raceIds(b.athleteId)).toEqual(simRaceIds(h.sim, b.athleteId));
    expect(h.sim.counters.rateLimited()).toBe(0);
  }, 90_000);

  it("an exhausted daily limit defers work to the next day window instead of failing it", async () => {
    h = await compressed({ read15: 3, readDay: 4, daySeconds: 6 });
    const backfills = [await h.connect({ count: 500 }), await h.connect({ count: 500 })];
    for (const b of backfills) {
      const run = await h.waitForRun(b.runId, undefined, 60_000);
      expect(run.status).toBe("succeeded");
      expect(await h.raceIds(b.athleteId)).toEqual(simRaceIds(h.sim, b.athleteId));
    }
    expect(h.sim.counters.rateLimited()).toBe(0);
    const [days] = await h.ctx.sql<{ n: number }[]>`select count(distinct window_start)::int as n from strava_budget where bucket = 'read_daily' and used > 0`;
    expect(days!.n).toBeGreaterThan(1);
  }, 90_000);
});
