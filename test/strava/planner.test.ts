import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRateGate, type RateGate } from "../../src/strava/budget.js";
import { admits, clubCapacity, emptyUsage, planDay, type PlanInput } from "../../src/strava/plan.js";
import type { Priority } from "../../src/strava/types.js";
import { reconcileIntervalDays } from "../../src/history/reconcile-all.js";
import type { VerbDb } from "../support/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

// A compressed day: ten 60-second windows (as STRAVA_RATE_LIMIT_WINDOW_S / _DAY_S compress it in tests).
const WINDOW_S = 60;
const DAY_S = 600;
const DAY_START = Date.UTC(2026, 10, 29, 10, 0, 0); // a multiple of DAY_S: a day window starts here

async function take(gate: RateGate, priority: Priority, attempts: number): Promise<number> {
  let taken = 0;
  for (let i = 0; i < attempts; i++) {
    const ok = await gate.acquire(priority, { read: true }).then(() => true, () => false);
    if (!ok) break;
    taken++;
  }
  return taken;
}

describe("the budget planner's allocation under compressed windows", () => {
  let db: TestDatabase;
  let verbDb: VerbDb;
  let now = DAY_START;
  let gate: RateGate;
  const atWindow = (k: number) => (now = DAY_START + k * WINDOW_S * 1000 + 500);

  beforeAll(async () => {
    db = await createTestDatabase();
    verbDb = db.context().verbDb;
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.sql`delete from strava_budget`;
    await db.sql`delete from strava_usage`;
    await db.sql`delete from athletes`;
    atWindow(0);
    // The database's clock, which places the windows and the day, stopped at `now`.
    gate = createRateGate(verbDb, { windowSeconds: WINDOW_S, daySeconds: DAY_S, clock: () => sql`${new Date(now).toISOString()}::timestamptz` });
    await gate.record({ readLimit: [100, 100], overallLimit: [200, 200] });
  });

  it("paces background work so the day lasts the day, and webhook work always finds its reserve", async () => {
    let spent = 0;
    for (let k = 0; k < 10; k++) {
      atWindow(k);
      spent += await take(gate, "backfill", 50);
      // 95 of the day's 100 reads are not webhook work: a tenth of them more each window.
      expect(spent).toBe(Math.floor((95 * (k + 1)) / 10));
      expect(await take(gate, "follow_up", 1)).toBe(0); // the line is reached for every kind of background work
    }
    expect(await take(gate, "reconcile", 5)).toBe(0);
    expect(await take(gate, "webhook", 10)).toBe(5); // webhook work first: its reserve is still there at the day's end
  });

  it("never starves reconciles: follow-ups leave them their floor, backfills leave follow-ups their next window", async () => {
    for (let i = 1; i <= 100; i++) await db.sql`insert into athletes (strava_id) values (${i})`;
    atWindow(9);
    const view = await gate.plan();
    // Every athlete within RECONCILE_MAX_AGE_DAYS (7), planned a day early: every 5.95 days.
    expect(view.plan.reconcileFloor).toBeCloseTo((100 * 1.2) / 5.95, 5);
    const followUps = await take(gate, "follow_up", 100);
    expect(followUps).toBe(Math.floor(95 - (100 * 1.2) / 5.95));
    expect(await take(gate, "reconcile", 100)).toBe(95 - followUps);
  });

  it("uses a raised limit at once (learned from Strava's headers)", async () => {
    expect(await take(gate, "backfill", 50)).toBe(9);
    await gate.record({ readLimit: [200, 1000], readUsage: [9, 9] });
    expect(await take(gate, "backfill", 200)).toBe(Math.floor((950 * 1) / 10) - 9);
  });

  it("lets an admin's forced work run as fast as the 15-minute window allows, behind the webhook reserve", async () => {
    await gate.record({ readLimit: [30, 1000] });
    expect(await take(gate, "backfill", 50)).toBe(28); // the short window (30 minus its reserve) binds before the day's line (95)
    atWindow(1);
    expect(await take(gate, "forced", 50)).toBe(28);
    atWindow(2);
    await gate.record({ readLimit: [1000, 100], readUsage: [0, 56] });
    expect(await take(gate, "forced", 50)).toBe(39); // 100 minus the day's webhook reserve (5) minus the 56 spent
    expect(await take(gate, "webhook", 10)).toBe(5);
  });

  it("counts the day's calls by kind", async () => {
    await take(gate, "webhook", 2);
    await take(gate, "follow_up", 3);
    await take(gate, "forced", 1);
    const { figures } = await gate.plan();
    expect(figures.today).toEqual({ ...emptyUsage(), webhook: 2, follow_up: 3, reconcile: 1 });
  });
});

describe("the day's plan", () => {
  const base: PlanInput = {
    dailyLimit: 1000, dailyUsed: 0, reserveShare: 0.05, dayShareNow: 0.5, dayShareAtWindowEnd: 0.5,
    windowsPerDay: 96, today: emptyUsage(), yesterday: null, athletes: 600, reconcileMaxAgeDays: 7, followUpChecksPerUpload: 4,
  };

  it("keeps what webhook work is projected to need for the rest of the day, learned from yesterday", () => {
    const plan = planDay({ ...base, today: { ...emptyUsage(), webhook: 200 }, yesterday: { ...emptyUsage(), webhook: 420 } });
    expect(plan.projected.webhook).toBe(410); // 200 spent + half of yesterday's 420
    expect(plan.webhookReserve).toBe(210);
    expect(plan.background).toBe(540); // the 950 the gate lets non-webhook work reach, less webhook work's 410
  });

  it("keeps the follow-ups the day's new runs may want ahead of reconciles beyond their floor", () => {
    // 300 athletes uploading 210 runs a day, each run checked 4 times: more than the day leaves.
    const input = { ...base, athletes: 300, dayShareNow: 0, dayShareAtWindowEnd: 1 / 96, yesterday: { ...emptyUsage(), webhook: 210, follow_up: 100 } };
    const plan = planDay(input);
    expect(plan.background).toBe(740);
    expect(plan.followUpDemand).toBeCloseTo(740 - (300 * 1.2) / 5.95, 5); // all but the reconciles' floor
    // This window's share of what follow-ups may spend, and an eighth of their day ahead of it for
    // a peak's checks, kept from reconciles and backfills, which still move.
    expect(plan.caps.followUp).toBe(7 + Math.ceil(plan.followUpDemand / 8));
    expect(plan.caps.followUpLine).toBe(plan.caps.line + Math.ceil(plan.followUpDemand / 8));
    expect(plan.caps.background).toBe(1);
    expect(reconcileIntervalDays(plan, input)).toBeCloseTo(5.95, 5); // reconciles at their floor's pace

    // A quiet day (50 runs): follow-ups may want 200 calls; reconciles get the rest, daily at most.
    const quiet = { ...input, yesterday: { ...emptyUsage(), webhook: 50, follow_up: 20 } };
    const quietPlan = planDay(quiet);
    expect(quietPlan.followUpDemand).toBe(200);
    expect(reconcileIntervalDays(quietPlan, quiet)).toBe(1);
  });

  it("lets reconciles reach their floor's line however much follow-ups want, and backfills not", () => {
    const input = { ...base, athletes: 600, dayShareNow: 0.5, dayShareAtWindowEnd: 0.5, yesterday: { ...emptyUsage(), webhook: 420, follow_up: 600 } };
    const plan = planDay(input);
    const followUps = plan.caps.line - plan.caps.reconcileFloor; // follow-ups took all the line leaves the floor by now
    const today = { ...emptyUsage(), webhook: 210, follow_up: followUps };
    const spent = (reconcile: number) => ({ today: { ...today, reconcile }, dailyUsed: 0 });
    const backgroundFull = plan.caps.background - followUps; // reconciles that bring background work to its cap
    expect(admits(plan, "follow_up", spent(0))).toBe(true); // follow-ups may still run ahead of the line
    expect(admits(plan, "follow_up", { today: { ...today, follow_up: plan.caps.followUp }, dailyUsed: 0 })).toBe(false);
    expect(admits(plan, "backfill", spent(backgroundFull))).toBe(false); // the next window's follow-ups come first
    expect(plan.caps.reconcileFloor).toBe(Math.floor(((600 * 1.2) / 5.95) * 0.5)); // half the day: half the floor
    expect(backgroundFull).toBeLessThan(plan.caps.reconcileFloor - 1);
    expect(admits(plan, "reconcile", spent(plan.caps.reconcileFloor - 1))).toBe(true);
    expect(admits(plan, "reconcile", spent(plan.caps.reconcileFloor))).toBe(false);
  });

  it("lets a peak's follow-ups run ahead of the even line by an eighth of their day, reconciles giving way, never past the day", () => {
    const input = { ...base, athletes: 300, dayShareNow: 0.05, dayShareAtWindowEnd: 0.05, yesterday: { ...emptyUsage(), webhook: 210, follow_up: 500 } };
    const plan = planDay(input);
    const spent = (followUps: number) => ({ today: { ...emptyUsage(), webhook: 10, follow_up: followUps }, dailyUsed: 0 });
    expect(plan.caps.followUp).toBe(Math.floor((plan.background - plan.reconcileFloor) * 0.05) + Math.ceil(plan.followUpDemand / 8));
    expect(admits(plan, "follow_up", spent(plan.caps.line))).toBe(true); // past the even line
    expect(admits(plan, "follow_up", spent(plan.caps.followUp - 1))).toBe(true);
    expect(admits(plan, "follow_up", spent(plan.caps.followUp))).toBe(false);
    expect(admits(plan, "reconcile", spent(plan.caps.line))).toBe(false); // reconciles beyond what they spent wait for the line

    const lastWindow = planDay({ ...input, dayShareNow: 1, dayShareAtWindowEnd: 1 });
    expect(lastWindow.caps.followUp).toBe(Math.floor(lastWindow.background - lastWindow.reconcileFloor)); // the day still leaves the floor
  });

  it("keeps what follow-ups have not spent yet for them: reconciles and backfills take no more than the line leaves after follow-ups' share", () => {
    const input = { ...base, athletes: 300, dayShareNow: 0.5, dayShareAtWindowEnd: 0.5, yesterday: { ...emptyUsage(), webhook: 210, follow_up: 500 } };
    const plan = planDay(input);
    expect(plan.caps.others).toBe(plan.caps.line - Math.floor(plan.followUpDemand * 0.5));
    // Follow-ups spent little so far this day (their checks come in the evening): the rest stays theirs.
    const spent = (backfill: number) => ({ today: { ...emptyUsage(), webhook: 105, follow_up: 50, backfill }, dailyUsed: 0 });
    expect(50 + plan.caps.others).toBeLessThan(plan.caps.background); // the line alone would admit more
    expect(admits(plan, "backfill", spent(plan.caps.others - 1))).toBe(true);
    expect(admits(plan, "backfill", spent(plan.caps.others))).toBe(false);
    expect(admits(plan, "follow_up", spent(plan.caps.others))).toBe(true);
  });

  it("serves 600 athletes at Strava's default 1,000 reads a day with follow-ups at one list call per athlete-day or less", () => {
    // Yesterday: 0.7 webhook fetches and 0.8 follow-up list calls per athlete.
    const yesterday = { ...emptyUsage(), webhook: 420, follow_up: 480 };
    const input = { ...base, dayShareNow: 0, yesterday };
    const plan = planDay(input);
    const capacity = clubCapacity(plan, input);
    expect(capacity.reads_per_athlete_day).toBeCloseTo(0.7 + 0.8 + 1.2 / 5.95, 2);
    expect(capacity.athletes_served).toBeGreaterThanOrEqual(550);
  });
});
