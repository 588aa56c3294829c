import { afterEach, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

describe("destructive events act only once Strava confirms them", () => {
  let stack: TestStack | undefined;
  afterEach(() => stack?.stop());

  /** Two connected athletes; the first has a synced race with an event name. */
  async function start() {
    stack = await startTestStack();
    const s = stack;
    const athleteId = await s.connect({ backfill: false });
    const otherId = await s.connect({ backfill: false });
    const race = s.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Harbour 10K" });
    await s.settle();
    await s.sql`update races set event_name = 'Harbour Classic' where strava_activity_id = ${race.id}`;
    return { s, athleteId, otherId, race };
  }

  const raceRows = (s: TestStack) =>
    s.sql`select strava_activity_id::text as id, athlete_id::text, name, event_name, removed_at from races order by 1`;
  const athleteRows = (s: TestStack) =>
    s.sql`select strava_id::text, firstname, status, access_token_enc is not null as has_token from athletes order by 1`;
  const outcomes = (s: TestStack, objectId: number) =>
    s.sql<{ outcome: string }[]>`select outcome from webhook_events where object_id = ${objectId} and aspect_type <> 'create' order by id`.then((r) => r.map((e) => e.outcome));

  it("a forged delete of an activity Strava still has, with its owner or another athlete as owner, changes nothing", async () => {
    const { s, athleteId, otherId, race } = await start();
    const before = { races: await raceRows(s), athletes: await athleteRows(s) };
    const calls = s.sim.counters.requests("GET /activities/:id");
    s.sim.sendEvent({ aspect_type: "delete", object_type: "activity", object_id: race.id, owner_id: athleteId, updates: {} });
    await s.settle();
    s.sim.advanceTime(1); // a later event: within the same second it would be a redelivery of the first (same dedupe key)
    s.sim.sendEvent({ aspect_type: "delete", object_type: "activity", object_id: race.id, owner_id: otherId, updates: {} });
    await s.settle();
    expect({ races: await raceRows(s), athletes: await athleteRows(s) }).toEqual(before);
    // The owner's token finds it (not confirmed); the other athlete's gets a 404 but owns no such race.
    expect(await outcomes(s, race.id)).toEqual(["not_confirmed", "deleted"]);
    expect(s.sim.counters.requests("GET /activities/:id") - calls).toBe(2); // one confirmation per event
  });

  it("a forged deauthorization of an athlete whose tokens Strava still accepts changes nothing", async () => {
    const { s, athleteId, race } = await start();
    const before = { races: await raceRows(s), athletes: await athleteRows(s) };
    s.sim.sendEvent({ aspect_type: "update", object_type: "athlete", object_id: athleteId, owner_id: athleteId, updates: { authorized: "false" } });
    await s.settle();
    expect({ races: await raceRows(s), athletes: await athleteRows(s) }).toEqual(before);
    expect(await s.sql`select 1 from athlete_tombstones`).toHaveLength(0);
    expect(await outcomes(s, athleteId)).toEqual(["not_confirmed"]);
    expect(s.sim.counters.requests("GET /athlete")).toBe(1); // the confirmation
    expect(race.id).toBeGreaterThan(0);
  });

  it("a real delete removes the race", async () => {
    const { s, race } = await start();
    s.sim.deleteActivity(race.id);
    await s.settle();
    expect(await raceRows(s)).toEqual([]);
  });

  it("a new upload that answers 404 at first is fetched again until Strava has it", async () => {
    const { s, athleteId } = await start();
    const calls = s.sim.counters.requests("GET /activities/:id");
    const upload = s.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Fresh 5K" });
    s.sim.faults.activityNotFoundFor(upload.id, 2);
    await s.settle(30_000);
    expect((await raceRows(s)).map((r) => r.name)).toContain("Fresh 5K");
    expect(s.sim.counters.requests("GET /activities/:id") - calls).toBe(3);
    const [event] = await s.sql`select outcome from webhook_events where object_id = ${upload.id}`;
    expect(event).toMatchObject({ outcome: "synced" });
  });

  it("a delete that arrives while a sync of the same activity runs wins: the sync does not write it back", async () => {
    const { s, athleteId } = await start();
    const calls = s.sim.counters.requests("GET /activities/:id");
    s.sim.faults.lateActivityAnswers(1, 3000); // the sync's fetch sees the activity, its answer arrives 3 s later
    const upload = s.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Doomed 10K" });
    await waitFor(() => s.sim.counters.requests("GET /activities/:id") > calls, "the sync to fetch the activity");
    s.sim.deleteActivity(upload.id);
    await waitFor(async () => (await outcomes(s, upload.id)).includes("deleted"), "the delete to be confirmed");
    // The sync's job lost its key to the delete's (and settle() no longer counts it): wait for it to end.
    await waitFor(async () => (await s.sql`select 1 from graphile_worker.jobs where task_identifier = 'activity-sync'`).length === 0, "the sync to end");
    expect((await raceRows(s)).map((r) => r.name)).not.toContain("Doomed 10K");
    expect(s.sim.counters.requests("GET /activities/:id") - calls).toBe(2);
  });
});
