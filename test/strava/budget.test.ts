import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createRateGate, type RateGate } from "../../src/strava/budget.js";
import { StravaRateLimited } from "../../src/strava/errors.js";
import type { Strava } from "../../src/strava/client.js";
import type { Priority } from "../../src/strava/types.js";
import type { VerbDb } from "../support/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startHarness, type Harness } from "../support/harness.js";

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
  let verbDb: VerbDb;
  let now = T0;
  let gate: RateGate;
  /** The database's clock, stopped at `now`. */
  const pinned = () => sql`${new Date(now).toISOString()}::timestamptz`;
  beforeAll(async () => {
    db = await createTestDatabase();
    verbDb = db.context().verbDb;
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.sql`delete from strava_budget`;
    now = T0;
    gate = createRateGate(verbDb, { windowSeconds: WINDOW_S, daySeconds: 86_400, clock: pinned });
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

  it("places fractional windows (time compressed below a second a window) and refuses until the next one", async () => {
    const compressed = createRateGate(verbDb, { windowSeconds: 0.75, daySeconds: 72, clock: pinned });
    await compressed.record({ readLimit: [10, 1000], overallLimit: [20, 2000], readUsage: [10, 10] });
    // T0 is 10:00:30.000; windows of 750 ms start at multiples of 0.75 s since the epoch.
    const windowEnd = new Date((Math.floor(T0 / 750) + 1) * 750);
    expect((await refusal(compressed, "webhook")).retryAt).toEqual(windowEnd);
    now = windowEnd.getTime();
    await compressed.acquire("webhook", { read: true });
    expect((await compressed.state()).read.short).toMatchObject({ used: 1, limit: 10, resets_at: new Date(windowEnd.getTime() + 750).toISOString() });
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
    expect(await gate.record({}, { rateLimited: true })).toEqual(SHORT_END); // when the exhausted window reopens
    expect((await gate.state()).read.short.used).toBe(10);
    expect((await gate.state()).read.daily.used).toBe(7);
  });

  it("does not carry an answer's usage into a window that began while the request was on its way", async () => {
    const day = createRateGate(verbDb, { windowSeconds: 0.75, daySeconds: 72, clock: pinned });
    await day.record({ readLimit: [100, 1000], overallLimit: [200, 2000] });
    const sentIn = await day.acquire("backfill", { read: true });
    now = (Math.floor(now / 72_000) + 1) * 72_000 + 10; // the answer comes back just after midnight
    // Strava's figures are the day that just ended: taken for the new day, they would hold it all.
    await day.record({ readLimit: [100, 1000], readUsage: [60, 950], overallLimit: [200, 2000], overallUsage: [60, 950] }, { sentIn });
    const { read } = await day.state();
    expect(read.daily).toMatchObject({ used: 0, limit: 1000 });
    expect(read.short).toMatchObject({ used: 0, limit: 100 });
    const again = await day.acquire("webhook", { read: true });
    await day.record({ readLimit: [100, 1000], readUsage: [1, 1] }, { sentIn: again });
    expect((await day.state()).read.daily.used).toBe(1); // an answer from within the window is adopted
  });

  it("never exceeds the limit when two processes acquire concurrently", async () => {
    const otherProcess = db.context();
    const otherGate = createRateGate(otherProcess.verbDb, { windowSeconds: WINDOW_S, daySeconds: 86_400, clock: pinned });
    const [mine, theirs] = await Promise.all([takeAll(gate, "webhook", 40), takeAll(otherGate, "webhook", 40)]);
    expect(mine + theirs).toBe(10);
    expect((await gate.state()).read.short.used).toBe(10);
  });
});

describe("rate-limit windows by the database's clock", () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db.destroy());
  afterEach(() => vi.useRealTimers());

  it("places windows by Postgres' now(), whatever the process's clock says", async () => {
    const HOUR_S = 3600;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2001, 0, 1, 12, 0, 0) }); // this process is 25 years late
    const gate = createRateGate(db.context().verbDb, { windowSeconds: HOUR_S, daySeconds: 86_400 });
    await gate.acquire("webhook", { read: true });
    const { read } = await gate.state();
    const [clock] = await db.sql<{ epoch: number }[]>`select extract(epoch from now())::float8 as epoch`;
    const epoch = clock!.epoch;
    const shortEnd = Date.parse(read.short.resets_at) / 1000;
    expect(shortEnd % HOUR_S).toBe(0);
    expect(shortEnd - epoch).toBeGreaterThan(0);
    expect(shortEnd - epoch).toBeLessThanOrEqual(HOUR_S);
    expect(Date.parse(read.daily.resets_at) / 1000 - epoch).toBeLessThanOrEqual(86_400);
    expect(read.short.used).toBe(1);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from strava_budget where window_start < '2002-01-01'`;
    expect(row!.n).toBe(0); // nothing was placed by the process's clock
  });
});

describe("real calls through the gate", () => {
  let h: Harness;
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
    const refusals = await Promise.all([callLoop(h.ctx.strava, athleteId, 15), callLoop(other, athleteId, 15)]);
    expect(h.sim.counters.requests("GET /athlete")).toBe(30);
    expect(h.sim.counters.rateLimited()).toBe(0);
    expect(refusals[0]! + refusals[1]!).toBeGreaterThan(0);
  });
});
