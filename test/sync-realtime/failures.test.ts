import { afterEach, describe, expect, it } from "vitest";
import { addJob } from "../../src/worker/jobs.js";
import type { TestDatabase } from "../support/database.js";
import { startTestStack, type TestStack } from "../support/stack.js";

describe("real-time sync when things go wrong", () => {
  let stack: TestStack | undefined;
  afterEach(() => stack?.stop());
  const start = async (env: Record<string, string> = {}) => {
    stack = await startTestStack({ env });
    const athleteId = await stack.connect({ backfill: false });
    return { db: stack.db, stack, athleteId };
  };
  const raceCount = (db: TestDatabase, athleteId: number) =>
    db.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId} and removed_at is null`.then((r) => r[0]!.n);

  it("deauthorization wipes the athlete's races and tokens and cancels their queued jobs", async () => {
    const { db, stack, athleteId } = await start();
    for (let i = 0; i < 3; i++) stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.settle();
    expect(await raceCount(db, athleteId)).toBe(3);
    await addJob(db.sql, "activity-sync", { athleteId, activityId: 1 }, { runAt: new Date(Date.now() + 3_600_000), jobKey: "activity:1" });
    stack.sim.deauthorizeAthlete(athleteId);
    await stack.settle();
    expect(await raceCount(db, athleteId)).toBe(0);
    const [athlete] = await db.sql`select status, access_token_enc, refresh_token_enc, deauthorized_at from athletes where strava_id = ${athleteId}`;
    expect(athlete).toMatchObject({ status: "deauthorized", access_token_enc: null, refresh_token_enc: null, deauthorized_at: expect.any(Date) });
    expect(await db.sql`select 1 from graphile_worker.jobs where key = 'activity:1'`).toHaveLength(0);
    const [event] = await db.sql`select outcome from webhook_events where object_type = 'athlete'`;
    expect(event).toMatchObject({ outcome: "deauthorized" });
  });

  it("a revoked token marks the athlete needs_reauth and is not retried", async () => {
    const { db, stack, athleteId } = await start({ ACTIVITY_SYNC_DEBOUNCE_MS: "500" });
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.sim.deliveries.idle();
    stack.sim.setDeauthorizeEmitsEvent(false);
    const { access_token } = stack.sim.issueTokens(athleteId);
    const revoked = await fetch(`${stack.simUrl}/oauth/deauthorize`, { method: "POST", headers: { authorization: `Bearer ${access_token}` } });
    expect(revoked.status).toBe(200); // every token of the athlete is dead now, and racesync is not told
    await stack.settle();
    const [athlete] = await db.sql`select status from athletes where strava_id = ${athleteId}`;
    expect(athlete).toMatchObject({ status: "needs_reauth" });
    const [event] = await db.sql`select outcome, error from webhook_events where object_id = ${created.id}`;
    expect(event).toMatchObject({ outcome: "needs_reauth", error: expect.any(String) });
    expect(await db.sql`select task_identifier, attempts, last_error from graphile_worker.jobs where task_identifier like 'activity-%'`).toEqual([]);
    expect(stack.sim.counters.requests("GET /activities/:id")).toBeLessThanOrEqual(1);
  });

  it("a 429 storm defers jobs until the window reopens and loses none", async () => {
    const { db, stack, athleteId } = await start({ STRAVA_RATE_LIMIT_WINDOW_S: "2" });
    stack.sim.setLimits({ overall15: 3, read15: 3, windowSeconds: 2 });
    const created = Array.from({ length: 8 }, () => stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 }));
    await stack.settle(40_000);
    expect(await raceCount(db, athleteId)).toBe(created.length);
    const outcomes = await db.sql<{ outcome: string }[]>`select outcome from webhook_events`;
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(created.length).fill("synced"));
    expect(await db.sql`select task_identifier, last_error from graphile_worker.jobs where attempts > 0 and last_error is not null`).toEqual([]);
  });
});
