import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_BEARER, call } from "../support/callers.js";
import { startTestStack, type TestStack } from "../support/stack.js";

/** Webhook-driven work shows in the sync monitor: one activity run per handled event, linked from the event. */
describe("webhook work in the sync monitor", () => {
  let stack: TestStack;
  let athleteId: number;
  beforeAll(async () => {
    stack = await startTestStack();
    athleteId = await stack.connect({ backfill: false });
  });
  afterAll(() => stack?.stop());
  const admin = (path: string) => call(stack.url, "GET", path, ADMIN_BEARER);

  async function monitorLineFor(activityId: number) {
    const events = (await admin(`/api/admin/webhook-events?limit=50`)).json.events as Array<{ object_id: number; run_id: number | null; outcome: string }>;
    const event = events.find((e) => e.object_id === activityId)!;
    expect(event.run_id).not.toBeNull();
    const run = (await admin(`/api/admin/sync-runs/${event.run_id}`)).json;
    return { event, run };
  }

  it("a race, a run that is not a race and a deleted race each leave one line saying what was done", async () => {
    const race = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    const ride = stack.sim.createActivity(athleteId, { sport_type: "Ride" });
    await stack.settle();
    const raceLine = await monitorLineFor(race.id);
    expect(raceLine.run).toMatchObject({ kind: "activity", trigger: "webhook", status: "succeeded", athlete_strava_id: athleteId, api_calls: 1, races_upserted: 1 });
    expect(raceLine.run.logs.map((l: { message: string }) => l.message)).toEqual([`activity ${race.id}: fetched: race upserted`]);
    expect((await monitorLineFor(ride.id)).run.logs[0].message).toBe(`activity ${ride.id}: fetched: not a race, skipped`);

    stack.sim.deleteActivity(race.id);
    await stack.settle();
    const runs = (await admin(`/api/admin/sync-runs?kind=activity&athlete_id=${athleteId}`)).json.runs as Array<{ summary: { activity_id: number; outcome: string } }>;
    expect(runs[0]!.summary).toEqual({ activity_id: race.id, outcome: "deleted" }); // newest first
    expect(runs.map((r) => [r.summary.activity_id, r.summary.outcome]).sort()).toEqual(
      [[race.id, "deleted"], [race.id, "upserted"], [ride.id, "skipped"]].sort(),
    );
  });
});
