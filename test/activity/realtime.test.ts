import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_CHANNEL } from "../../src/stream/feed.js";
import { readSse } from "../support/sse.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { startTestStack, type TestStack } from "../support/stack.js";

interface RaceRow { strava_activity_id: number; name: string; event_name: string | null; removed_at: Date | null }

describe("real-time sync from Strava's webhooks to the races table", () => {
  let stack: TestStack;
  let athleteId: number;
  const feed: Array<{ event: string; data: { strava_activity_id: number } }> = [];
  beforeAll(async () => {
    stack = await startTestStack();
    athleteId = await stack.connect({ backfill: false });
    await stack.sql.listen(FEED_CHANNEL, (payload) => feed.push(JSON.parse(payload)));
  });
  afterAll(() => stack?.stop());

  const race = async (id: number) => (await stack.sql<RaceRow[]>`select strava_activity_id, name, event_name, removed_at from races where strava_activity_id = ${id}`)[0];

  it("a race created on Strava reaches GET /api/races and an open dashboard stream", async () => {
    const stream = readSse(await fetch(`${stack.url}/api/stream`));
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Dashboard 5K" });
    let message = await stream.next();
    while (!(message.event === "race.upserted" && message.data.strava_activity_id === created.id)) message = await stream.next();
    expect(message.data).toMatchObject({ name: "Dashboard 5K", athlete: { strava_id: athleteId } });
    const body = (await (await fetch(`${stack.url}/api/races?athlete_id=${athleteId}`)).json()) as { races: Array<{ strava_activity_id: number }> };
    expect(body.races.map((r) => r.strava_activity_id)).toContain(created.id);
    await stream.cancel();
  });

  it("a race created on Strava appears in the races table and on the change feed", async () => {
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Harbour Half" });
    await stack.settle();
    expect(await race(created.id)).toMatchObject({ name: "Harbour Half", removed_at: null });
    expect(feed.some((m) => m.event === "race.upserted" && m.data.strava_activity_id === created.id)).toBe(true);
    const [event] = await stack.sql`select outcome, processed_at from webhook_events where object_id = ${created.id}`;
    expect(event).toMatchObject({ outcome: "synced", processed_at: expect.any(Date) });
  });

  it("a title change propagates", async () => {
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Before" });
    await stack.settle();
    stack.sim.updateActivity(created.id, { name: "After" });
    await stack.settle();
    expect((await race(created.id))!.name).toBe("After");
  });

  it("a race that stops being one is soft-removed, and its event_name returns when it is a race again", async () => {
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Club 5K" });
    await stack.settle();
    await stack.sql`update races set event_name = 'Club Championship' where strava_activity_id = ${created.id}`;
    stack.sim.updateActivity(created.id, { name: "Easy jog", workout_type: 0 });
    await stack.settle();
    expect(await race(created.id)).toMatchObject({ removed_at: expect.any(Date) });
    expect(await visibleRaceIds(stack.sql, athleteId)).not.toContain(created.id);
    stack.sim.updateActivity(created.id, { name: "Club 5K", workout_type: 1 });
    await stack.settle();
    expect(await race(created.id)).toMatchObject({ removed_at: null, event_name: "Club Championship" });
  });

  it("a deleted activity's race is deleted for real", async () => {
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.settle();
    stack.sim.deleteActivity(created.id);
    await stack.settle();
    expect(await race(created.id)).toBeUndefined();
  });

  it("duplicated and shuffled deliveries end in the same state as Strava", async () => {
    stack.sim.faults.duplicateNextEvents(30);
    stack.sim.faults.reorderEvents(10);
    const ids = Array.from({ length: 6 }, (_, i) => stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: i % 3 === 0 ? 0 : 1 }).id);
    for (const id of ids) stack.sim.updateActivity(id, { name: `renamed ${id}` });
    stack.sim.updateActivity(ids[1]!, { name: "no longer a race", workout_type: 0 });
    stack.sim.deleteActivity(ids[2]!);
    stack.sim.updateActivity(ids[3]!, { name: "now a race", workout_type: 1 });
    stack.sim.deliveries.flush();
    stack.sim.faults.reset();
    await stack.settle();
    expect(await visibleRaceIds(stack.sql, athleteId)).toEqual(simRaceIds(stack.sim, athleteId));
    for (const a of stack.sim.racesOf(athleteId)) expect((await race(a.id))!.name).toBe(a.name);
  });

  it("a burst of 5 updates to one activity costs one GET /activities/:id", async () => {
    const created = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await stack.settle();
    const before = stack.sim.counters.requests("GET /activities/:id");
    for (let i = 1; i <= 5; i++) stack.sim.updateActivity(created.id, { name: `take ${i}` });
    await stack.settle();
    expect(stack.sim.counters.requests("GET /activities/:id") - before).toBe(1);
    expect((await race(created.id))!.name).toBe("take 5");
    const outcomes = await stack.sql<{ outcome: string }[]>`select outcome from webhook_events where object_id = ${created.id} and aspect_type = 'update'`;
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(5).fill("synced"));
  });
});
