import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyActivity, deleteAthleteRaces, deleteRace } from "../../src/races/store.js";
import type { StravaActivity } from "../../src/strava/types.js";
import { FEED_CHANNEL } from "../../src/stream/feed.js";
import { createRun, getRun, logRun, updateRun } from "../../src/history/runs.js";
import type { VerbDb } from "../support/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

const ATHLETE = 501;

function activity(over: Partial<StravaActivity> = {}): StravaActivity {
  return {
    id: 9_000_000_001,
    athlete: { id: ATHLETE },
    name: "City 10K",
    sport_type: "Run",
    workout_type: 1,
    distance: 10_000,
    moving_time: 2400,
    elapsed_time: 2450,
    total_elevation_gain: 35,
    start_date: "2026-10-04T08:00:00Z",
    start_date_local: "2026-10-04T10:00:00Z",
    timezone: "(GMT+01:00) Europe/Paris",
    average_heartrate: 171,
    max_heartrate: 188,
    ...over,
  };
}

describe("race store", () => {
  let db: TestDatabase;
  let verbDb: VerbDb;
  const notes: Array<{ event: string; data: Record<string, unknown> }> = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    verbDb = db.context().verbDb;
    await db.sql`insert into athletes (strava_id, firstname, lastname) values (${ATHLETE}, 'Ada', 'Runner')`;
    await db.sql.listen(FEED_CHANNEL, (payload) => notes.push(JSON.parse(payload)));
  });
  afterAll(() => db.destroy());

  /**
   * Sends a marker down the feed channel and waits for it: Postgres delivers notifications in commit
   * order, so every notification sent before it has arrived by then. The marker is not kept.
   */
  async function feedDelivered(): Promise<void> {
    await db.sql`select pg_notify(${FEED_CHANNEL}, ${JSON.stringify({ event: "test.marker" })})`;
    await waitFor(() => notes.at(-1)?.event === "test.marker", "the feed marker");
    notes.pop();
  }

  it("upserts a race once, keeps event_name through edits and a soft removal, and deletes for real", async () => {
    expect(await applyActivity(verbDb, activity())).toBe("upserted");
    expect(await applyActivity(verbDb, activity())).toBe("unchanged");
    await db.sql`update races set event_name = 'Paris 10K' where strava_activity_id = ${activity().id}`;
    expect(await applyActivity(verbDb, activity({ name: "Paris 10K PB" }))).toBe("upserted");
    expect(await applyActivity(verbDb, activity({ workout_type: 0 }))).toBe("removed");
    expect(await applyActivity(verbDb, activity({ workout_type: 0 }))).toBe("unchanged");
    expect(await applyActivity(verbDb, activity())).toBe("upserted");
    const [row] = await db.sql`select event_name, name, removed_at from races`;
    expect(row).toMatchObject({ event_name: "Paris 10K", name: "City 10K", removed_at: null });
    expect(await deleteRace(verbDb, activity().id, ATHLETE + 1)).toBe(false); // another owner deletes nothing
    expect(await deleteRace(verbDb, activity().id, ATHLETE)).toBe(true);
    await feedDelivered();
    expect(notes.map((n) => n.event)).toEqual(["race.upserted", "race.upserted", "race.removed", "race.upserted", "race.removed"]);
    expect(notes[0]!.data).toMatchObject({ athlete: { strava_id: ATHLETE, name: "Ada Runner" }, start_date: "2026-10-04T08:00:00Z", distance: 10000 });
  });

  it("ignores activities that are not races and deletes all of an athlete's races", async () => {
    expect(await applyActivity(verbDb, activity({ id: 1, sport_type: "Ride", workout_type: 1 }))).toBe("unchanged");
    await applyActivity(verbDb, activity({ id: 2 }));
    await applyActivity(verbDb, activity({ id: 3, sport_type: "TrailRun" }));
    expect(await deleteAthleteRaces(verbDb, ATHLETE)).toBe(2);
    const [{ n }] = (await db.sql`select count(*)::int as n from races`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("tracks a sync run's counts and logs", async () => {
    const runId = await createRun(verbDb, { athleteId: ATHLETE, kind: "backfill", trigger: "signup" });
    await updateRun(verbDb, runId, { status: "running", pages: 1, activitiesSeen: 200, cursor: { before: 123 } });
    const run = await updateRun(verbDb, runId, { pages: 1, activitiesSeen: 50, racesUpserted: 3, status: "succeeded" });
    expect(run).toMatchObject({ status: "succeeded", pages: 2, activities_seen: 250, races_upserted: 3 });
    expect(run!.finished_at).not.toBeNull();
    await logRun(verbDb, runId, "info", "page done", { page: 2 });
    expect((await getRun(verbDb, runId))!.cursor).toEqual({ before: 123 });
  });
});
