import { afterEach, describe, expect, it } from "vitest";
import { disconnectAthlete } from "../../src/athletes/disconnect.js";
import { databaseText, NO_ROWS, rowsNamingAthlete } from "../support/dump.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

/** Names no other seeded athlete or activity has, so finding them in the database means a leak. */
const NAMES = { firstname: "Zebulon", lastname: "Quartermaine" };

describe("revocation deletes everything about the athlete", () => {
  let stack: TestStack | undefined;
  afterEach(() => stack?.stop());

  /** An athlete with a synced history, new races, a title edit and an event name; and another athlete. */
  async function leavingAthlete() {
    stack = await startTestStack();
    const s = stack;
    const other = await s.connect({ history: 5, raceShare: 1 });
    const { id } = s.sim.seedAthlete(NAMES);
    const history = s.sim.seedHistory(id, { count: 30, raceShare: 0.5 });
    history.forEach((a, i) => s.sim.updateActivity(a.id, { name: `Zebulon's title ${i}` })); // not connected yet: no events
    await s.connect({ athleteId: id });
    const race = s.sim.createActivity(id, { sport_type: "Run", workout_type: 1, name: "Zebulon's secret 10K" });
    s.sim.updateActivity(race.id, { name: "Zebulon's very secret 10K" });
    await s.settle();
    await waitFor(async () => (await s.sql`select 1 from sync_runs where status <> 'succeeded'`).length === 0, "the backfills to finish");
    await s.sql`update races set event_name = 'Quartermaine Classic' where strava_activity_id = ${race.id}`;
    const secrets = [NAMES.firstname, NAMES.lastname, "Quartermaine Classic", ...s.sim.activitiesOf(id).map((a) => a.name)];
    const before = await databaseText(s.sql);
    expect(before).toContain(NAMES.lastname);
    expect(before).toContain("Zebulon's very secret 10K");
    return { s, id, other, secrets, otherRaces: await raceCount(s, other) };
  }

  const raceCount = async (s: TestStack, athleteId: number) =>
    (await s.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId}`)[0]!.n;

  const revokeJobDone = (s: TestStack) => async () =>
    (await s.sql`select 1 from graphile_worker.jobs where task_identifier = 'strava-revoke'`).length === 0;

  const ways: Array<[string, (s: TestStack, id: number) => Promise<void>]> = [
    ["a deauthorization on Strava", async (s, id) => {
      s.sim.deauthorizeAthlete(id);
      await s.settle();
    }],
    ["a disconnect", async (s, id) => {
      await disconnectAthlete(s.ctx, id);
      await waitFor(revokeJobDone(s), "the revocation to reach Strava");
    }],
  ];

  it.each(ways)("after %s, a data-only dump holds neither their names nor their activity titles", async (_way, revoke) => {
    const { s, id, other, secrets, otherRaces } = await leavingAthlete();
    await revoke(s, id);
    const after = await databaseText(s.sql);
    for (const secret of secrets) expect(after).not.toContain(secret);
    expect(await rowsNamingAthlete(s.sql, id)).toEqual(NO_ROWS);
    expect(await s.sql`select strava_id::int as id from athlete_tombstones`).toEqual([{ id }]);
    expect(await raceCount(s, other)).toBe(otherRaces);
    expect(otherRaces).toBeGreaterThan(0);
  }, 60_000);

  it("late events for a revoked athlete change nothing, and a reconnect starts from scratch", async () => {
    const { s, id } = await leavingAthlete();
    await disconnectAthlete(s.ctx, id);
    await waitFor(revokeJobDone(s), "the revocation to reach Strava");
    const before = await databaseText(s.sql);
    const [activity] = s.sim.activitiesOf(id);
    const delivered = s.sim.deliveries.log.length;
    s.sim.sendEvent({ aspect_type: "create", object_type: "activity", object_id: activity!.id, owner_id: id, updates: {} });
    s.sim.sendEvent({ aspect_type: "update", object_type: "activity", object_id: activity!.id, owner_id: id, updates: { title: "Late title" } });
    s.sim.sendEvent({ aspect_type: "delete", object_type: "activity", object_id: activity!.id, owner_id: id, updates: {} });
    s.sim.sendEvent({ aspect_type: "update", object_type: "athlete", object_id: id, owner_id: id, updates: { authorized: "false" } });
    await s.settle();
    const answers = s.sim.deliveries.log.slice(delivered).map((d) => d.status);
    expect(answers).toEqual([200, 200, 200, 200]);
    expect(onlyRacesyncRows(await databaseText(s.sql))).toEqual(onlyRacesyncRows(before));

    await s.connect({ athleteId: id });
    await waitFor(async () => (await s.sql`select 1 from sync_runs where athlete_id = ${id} and status = 'succeeded'`).length === 1, "a fresh backfill");
    expect(await s.sql`select 1 from athlete_tombstones`).toHaveLength(0);
    expect(await raceCount(s, id)).toBe(s.sim.racesOf(id).length);
  }, 60_000);
});

/** The dump's rows of racesync's own tables (the job queue's bookkeeping moves on its own). */
function onlyRacesyncRows(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("public.") && !line.startsWith("public.worker_heartbeats") && !line.startsWith("public.strava_budget"));
}
