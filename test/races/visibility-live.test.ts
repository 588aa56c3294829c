import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_BEARER, call, sessionHeaders } from "../support/callers.js";
import { readSse } from "../support/sse.js";
import { startTestStack, type TestStack } from "../support/stack.js";

// Open dashboards follow every change of who may see a race, at once: Strava privacy changes
// (through the real webhook → worker path), an admin's hide and block, the athlete's consent.
let stack: TestStack;
let viewer: number; // a member watching the board
beforeAll(async () => {
  stack = await startTestStack({ env: { DASHBOARD_VISIBILITY: "members", ACTIVITY_SYNC_DEBOUNCE_MS: "50" } });
  viewer = await stack.connect({ backfill: false });
});
afterAll(() => stack?.stop());

const as = (athleteId: number) => ({ ...sessionHeaders(stack.config, athleteId), origin: stack.url });

async function streamAs(headers: Record<string, string>) {
  const res = await fetch(`${stack.url}/api/stream`, { headers });
  expect(res.status).toBe(200);
  return readSse(res);
}

/** The next message about one race on a stream (others are skipped). */
async function nextAbout(stream: ReturnType<typeof readSse>, activityId: number) {
  for (;;) {
    const message = await stream.next();
    if (message.data?.strava_activity_id === activityId) return message;
  }
}

const boardIds = async (headers: Record<string, string>) =>
  ((await call(stack.url, "GET", "/api/races?limit=200", headers)).json.races as Array<{ strava_activity_id: number }>).map((r) => r.strava_activity_id);

/** An athlete (who said yes to the board) with one public race on Strava, synced. */
async function athleteWithRace(opts: { shareOnBoard?: boolean | null } = {}) {
  const athleteId = await stack.connect({ backfill: false, shareOnBoard: opts.shareOnBoard });
  const race = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Club 10K", visibility: "everyone" });
  await stack.settle();
  return { athleteId, raceId: race.id };
}

async function adminSets(athleteId: number, flags: Record<string, boolean>) {
  expect((await call(stack.url, "PATCH", `/api/admin/athletes/${athleteId}`, ADMIN_BEARER, flags)).status).toBe(200);
}

describe("who sees a race, live", () => {
  it("a race made Only Me on Strava leaves other members' boards at once, stays on its owner's with its visibility, and comes back when public", async () => {
    const { athleteId, raceId } = await athleteWithRace();
    const [member, owner, admin] = [await streamAs(as(viewer)), await streamAs(as(athleteId)), await streamAs(ADMIN_BEARER)];

    stack.sim.updateActivity(raceId, { visibility: "only_me" }); // Strava sends an update with {"private": "true"}
    expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.removed", data: { strava_activity_id: raceId } });
    expect(await nextAbout(owner, raceId)).toMatchObject({ event: "race.upserted", data: { visibility: "only_me", on_board: false } });
    expect(await nextAbout(admin, raceId)).toMatchObject({ event: "race.upserted", data: { visibility: "only_me", on_board: false } });
    expect(await boardIds(as(viewer))).not.toContain(raceId);
    expect(await boardIds(as(athleteId))).toContain(raceId);

    stack.sim.updateActivity(raceId, { visibility: "everyone" });
    expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.upserted", data: { visibility: "everyone", on_board: true } });
    expect(await boardIds(as(viewer))).toContain(raceId);
    await Promise.all([member.cancel(), owner.cancel(), admin.cancel()]);
  });

  it("an event saying a race went private takes it off other boards even while Strava's API fails", async () => {
    const { athleteId, raceId } = await athleteWithRace();
    const member = await streamAs(as(viewer));
    stack.sim.faults.api5xx(1); // every fetch fails: only the event itself says the race is private now
    try {
      stack.sim.updateActivity(raceId, { visibility: "only_me" });
      expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.removed" });
      expect(await boardIds(as(viewer))).not.toContain(raceId);
      expect(await boardIds(as(athleteId))).toContain(raceId);
    } finally {
      stack.sim.faults.reset();
      await member.cancel();
    }
  });

  it("an admin's hide takes an athlete's races off other boards at once, unhiding brings them back, and so does a block", async () => {
    const { athleteId, raceId } = await athleteWithRace();
    const member = await streamAs(as(viewer));
    await adminSets(athleteId, { is_hidden: true });
    expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.removed" });
    await adminSets(athleteId, { is_hidden: false });
    expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.upserted", data: { on_board: true } });
    await adminSets(athleteId, { is_blocked: true });
    expect(await nextAbout(member, raceId)).toMatchObject({ event: "race.removed" });
    expect(await boardIds(as(viewer))).not.toContain(raceId);
    await member.cancel();
  });

  it("a new athlete's races reach other boards the moment they say yes, and leave when they say no", async () => {
    const member = await streamAs(as(viewer));
    const { athleteId, raceId } = await athleteWithRace({ shareOnBoard: null });
    expect(await boardIds(as(viewer))).not.toContain(raceId);

    expect((await call(stack.url, "PATCH", "/api/me", as(athleteId), { share_on_board: true })).status).toBe(200);
    // The first thing the member hears of the race is its arrival on the board (nothing leaked before).
    expect(await member.next()).toMatchObject({ event: "race.upserted", data: { strava_activity_id: raceId, on_board: true } });
    expect(await boardIds(as(viewer))).toContain(raceId);

    expect((await call(stack.url, "PATCH", "/api/me", as(athleteId), { share_on_board: false })).status).toBe(200);
    expect(await member.next()).toMatchObject({ event: "race.removed", data: { strava_activity_id: raceId } });
    await member.cancel();
  });
});
