import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../src/db/client.js";
import { createRateGate, type RateGate } from "../../src/strava/budget.js";
import { StravaRateLimited } from "../../src/strava/errors.js";
import type { Strava } from "../../src/strava/index.js";
import type { Priority } from "../../src/strava/types.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startHarness, type StravaHarness } from "./harness.js";

const WINDOW_S = 60;
const T0 = Date.UTC(2026, 10, 29, 10, 0, 30); // mid-window: windows are [10:00:00, 10:01:00) and the day
const SHORT_END = new Date(Date.UTC(2026, 10, 29, 10, 1, 0));

async function refusal(gate: RateGate, priority: Priority): Promise<StravaRateLimited> {
  const err = await gate.acquire(priority, { read: true }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(StravaRateLimited);
  return err as StravaRateLimited;
}

async function takeAll(gate: RateGate, priority: Priority, attempts: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: attempts }, () => gate.acquire(priority, { read: true })));
  return results.filter((r) => r.status === "fulfilled").length;
}

describe("rate-limit gate", () => {
  let db: TestDatabase;
  let now = T0;
  let gate: RateGate;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.sql`delete from strava_budget`;
    now = T0;
    gate = createRateGate(db.sql, { windowSeconds: WINDOW_S, daySeconds: 86_400, now: () => now });
    await gate.record({ readLimit: [10, 1000], overallLimit: [20, 2000] });
  });

  it("lets background work use all but the webhook reserve, then refuses until the window ends", async () => {
    expect(await takeAll(gate, "backfill", 12)).toBe(9);
    expect((await refusal(gate, "reconcile")).retryAt).toEqual(SHORT_END);
    await gate.acquire("webhook", { read: true });
    expect((await refusal(gate, "webhook")).retryAt).toEqual(SHORT_END);
    const state = await gate.state();
    expect(state.read.short).toEqual({ used: 10, limit: 10, resets_at: SHORT_END.toISOString() });
    expect(state.overall.short).toMatchObject({ used: 10, limit: 20 });
    expect(state.reserve_share).toBe(0.05);
  });

  it("opens a new window with the last known limit", async () => {
    expect(await takeAll(gate, "webhook", 10)).toBe(10);
    now += WINDOW_S * 1000;
    await gate.acquire("backfill", { read: true });
    expect((await gate.state()).read.short).toMatchObject({ used: 1, limit: 10 });
  });

  it("refuses at the daily window's end when the day is spent", async () => {
    await gate.record({ readUsage: [0, 1000] });
    const err = await refusal(gate, "webhook");
    expect(err.retryAt).toEqual(new Date(Date.UTC(2026, 10, 30)));
  });

  it("adopts Strava's usage when it is ahead and fills the window on a 429", async () => {
    await gate.acquire("webhook", { read: true });
    await gate.record({ readUsage: [6, 6], readLimit: [10, 1000] });
    await gate.record({ readUsage: [2, 2] }); // an older answer arriving late never lowers the count
    expect((await gate.state()).read.short.used).toBe(6);
    await gate.record({ readUsage: [7, 7], readLimit: [10, 1000] }, { rateLimited: true });
    expect((await gate.state()).read.short.used).toBe(7);
    await gate.record({}, { rateLimited: true });
    expect((await gate.state()).read.short.used).toBe(10);
    expect((await gate.state()).read.daily.used).toBe(7);
  });

  it("never exceeds the limit when two processes acquire concurrently", async () => {
    const other: Database = connectDatabase(db.url, { max: 5 });
    try {
      const otherGate = createRateGate(other.sql, { windowSeconds: WINDOW_S, daySeconds: 86_400, now: () => now });
      const [mine, theirs] = await Promise.all([takeAll(gate, "webhook", 40), takeAll(otherGate, "webhook", 40)]);
      expect(mine + theirs).toBe(10);
      expect((await gate.state()).read.short.used).toBe(10);
    } finally {
      await other.close();
    }
  });
});

describe("real calls through the gate", () => {
  let h: StravaHarness;
  beforeAll(async () => {
    h = await startHarness({ sim: { windowSeconds: 2, limits: { read15: 10 } }, env: { STRAVA_RATE_LIMIT_WINDOW_S: "2" } });
  });
  afterAll(() => h.close());

  /** Calls until `count` succeed, waiting for the window the gate names whenever it says no. */
  async function callLoop(strava: Strava, athleteId: number, count: number): Promise<number> {
    let refusals = 0;
    for (let done = 0; done < count; ) {
      try {
        await strava.forAthlete(athleteId, "backfill").getAthlete();
        done++;
      } catch (err) {
        if (!(err instanceof StravaRateLimited)) throw err;
        refusals++;
        await new Promise((r) => setTimeout(r, Math.max(0, err.retryAt.getTime() - Date.now())));
      }
    }
    return refusals;
  }

  it("two processes looping over real calls never get a 429 from Strava", async () => {
    const { athleteId } = await h.connect();
    const other = h.makeStrava();
    const refusals = await Promise.all([callLoop(h.strava, athleteId, 15), callLoop(other, athleteId, 15)]);
    expect(h.sim.counters.requests("GET /athlete")).toBe(30);
    expect(h.sim.counters.rateLimited()).toBe(0);
    expect(refusals[0]! + refusals[1]!).toBeGreaterThan(0);
  });
});
