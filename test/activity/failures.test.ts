import { afterEach, describe, expect, it } from "vitest";
import { addJob } from "../../src/db/jobs.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import type { TestSql } from "../support/test-sql.js";

describe("real-time sync when things go wrong", () => {
  let stack: TestStack | undefined;
  afterEach(() => stack?.stop());
  const start = async (env: Record<string, string> = {}) => {
    stack = await startTestStack({ env });
    const athleteId = await stack.connect({ backfill: false });
    return { sql: stack.sql, stack, athleteId };
  };
  const raceCount = (sql: TestSql, athleteId: number) =>
    sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId} and removed_at is null`.then((r) => r[0]!.n);

  it("a deauthorization Strava confirms deletes the athlete and their races, events and queued jobs", async () => {
    const { sql, stack, athleteId } = await start();
    for (let i = 0; i < 3; i++) stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.settle();
    expect(await raceCount(sql, athleteId)).toBe(3);
    await addJob(stack.verbDb, "activity-sync", { athleteId, activityId: 1 }, { runAt: new Date(Date.now() + 3_600_000), jobKey: "activity:1" });
    stack.sim.deauthorizeAthlete(athleteId);
    await stack.settle();
    expect(await raceCount(sql, athleteId)).toBe(0);
    expect(await sql`select 1 from athletes where strava_id = ${athleteId}`).toHaveLength(0);
    expect(await sql`select 1 from athlete_tombstones where strava_id = ${athleteId}`).toHaveLength(1);
    expect(await sql`select 1 from graphile_worker.jobs where key = 'activity:1'`).toHaveLength(0);
    expect(await sql`select 1 from webhook_events`).toHaveLength(0);
    expect(stack.ctx.strava.calls.count("GET /athlete 401")).toBe(1); // the one call that confirmed it
  });

  it("a revoked token marks the athlete needs_reauth and is not retried", async () => {
    const { sql, stack, athleteId } = await start({ ACTIVITY_SYNC_DEBOUNCE_MS: "500" });
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.sim.deliveries.idle();
    stack.sim.setDeauthorizeEmitsEvent(false);
    const { access_token } = stack.sim.issueTokens(athleteId);
    const revoked = await fetch(`${stack.simUrl}/oauth/deauthorize`, { method: "POST", headers: { authorization: `Bearer ${access_token}` } });
    expect(revoked.status).toBe(200); // every token of the athlete is dead now, and racesync is not told
    await stack.settle();
    const [athlete] = await sql`select status from athletes where strava_id = ${athleteId}`;
    expect(athlete).toMatchObject({ status: "needs_reauth" });
    const [event] = await sql`select outcome, error from webhook_events where object_id = ${created.id}`;
    expect(event).toMatchObject({ outcome: "needs_reauth", error: expect.any(String) });
    expect(await sql`select task_identifier, attempts, last_error from graphile_worker.jobs where task_identifier like 'activity-%'`).toEqual([]);
    expect(stack.sim.counters.requests("GET /activities/:id")).toBeLessThanOrEqual(1);
  });

  it("a 429 storm defers jobs until the window reopens and loses none", async () => {
    const { sql, stack, athleteId } = await start({ STRAVA_RATE_LIMIT_WINDOW_S: "2" });
    stack.sim.setLimits({ overall15: 3, read15: 3, windowSeconds: 2 });
    const created = Array.from({ length: 8 }, () => stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 }));
    await stack.settle(40_000);
    expect(await raceCount(sql, athleteId)).toBe(created.length);
    const outcomes = await sql<{ outcome: string }[]>`select outcome from webhook_events`;
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(created.length).fill("synced"));
    expect(await sql`select task_identifier, last_error from graphile_worker.jobs where attempts > 0 and last_error is not null`).toEqual([]);
  });
});
