import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeJson } from "../../src/contract/athletes.js";
import type { RaceExport } from "../../src/contract/races.js";
import { applyActivity, setEventName } from "../../src/races/store.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";
import { Browser, signIn } from "../support/sign-in.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const me = async (b: Browser) => (await (await b.request("/api/me")).json()) as MeJson;
const raceIdsSeenBy = async (b: Browser) =>
  ((await (await b.request("/api/races?limit=200")).json()) as { races: Array<{ strava_activity_id: number }> }).races.map((r) => r.strava_activity_id);
const athleteIdsSeenBy = async (b: Browser) =>
  ((await (await b.request("/api/athletes")).json()) as { athletes: Array<{ strava_id: number }> }).athletes.map((a) => a.strava_id);

/** A signed-in athlete who has not answered the board question yet, with one public race. */
async function newAthlete() {
  const id = h.sim.seedAthlete().id;
  const browser = await signIn(h, id);
  const race = raceActivity(id);
  await applyActivity(h.verbDb, race);
  return { id, browser, raceId: race.id };
}

async function member() {
  const browser = await signIn(h, h.sim.seedAthlete().id);
  await browser.json("/api/me", "PATCH", { share_on_board: true });
  return browser;
}

describe("consent to the club board", () => {
  it("a new athlete is asked (null) and invisible to other members until they say yes, with the answer's time recorded", async () => {
    const [ana, other] = [await newAthlete(), await member()];
    expect(await me(ana.browser)).toMatchObject({ share_on_board: null, share_on_board_at: null, is_hidden: false });
    expect(await raceIdsSeenBy(other)).not.toContain(ana.raceId);
    expect(await athleteIdsSeenBy(other)).not.toContain(ana.id);
    expect(await raceIdsSeenBy(ana.browser)).toContain(ana.raceId); // their own races, always

    const before = Date.now();
    const res = await ana.browser.json("/api/me", "PATCH", { share_on_board: true });
    expect(res.status).toBe(200);
    const answered = (await res.json()) as MeJson;
    expect(answered.share_on_board).toBe(true);
    expect(Date.parse(answered.share_on_board_at!)).toBeGreaterThanOrEqual(before - 1000);
    expect(await raceIdsSeenBy(other)).toContain(ana.raceId);
    expect(await athleteIdsSeenBy(other)).toContain(ana.id);

    await ana.browser.json("/api/me", "PATCH", { share_on_board: false });
    expect(await me(ana.browser)).toMatchObject({ share_on_board: false });
    expect(await raceIdsSeenBy(other)).not.toContain(ana.raceId);
  });

  it("the admin hide wins: the athlete's yes does not bring them back, and they cannot unhide themselves", async () => {
    const [ana, other] = [await newAthlete(), await member()];
    await ana.browser.json("/api/me", "PATCH", { share_on_board: true });
    const hide = await new Browser(h).request(`/api/admin/athletes/${ana.id}`, {
      method: "PATCH", headers: { ...ADMIN_BEARER, "content-type": "application/json" }, body: JSON.stringify({ is_hidden: true }),
    });
    expect(hide.status).toBe(200);
    expect(await raceIdsSeenBy(other)).not.toContain(ana.raceId);

    await ana.browser.json("/api/me", "PATCH", { share_on_board: true });
    const unhide = await ana.browser.json("/api/me", "PATCH", { share_on_board: true, is_hidden: false });
    expect(unhide.status).toBe(400);
    expect((await unhide.json()).error).toMatchObject({ code: "VALIDATION", field: "is_hidden" });
    expect(await me(ana.browser)).toMatchObject({ share_on_board: true, is_hidden: true });
    expect(await raceIdsSeenBy(other)).not.toContain(ana.raceId);
    expect(await raceIdsSeenBy(ana.browser)).toContain(ana.raceId);
  });

  it("refuses a malformed answer naming the field, and changes nothing", async () => {
    const ana = await newAthlete();
    await ana.browser.json("/api/me", "PATCH", { share_on_board: false });
    const answered = await me(ana.browser);
    for (const [body, field] of [[{ share_on_board: "yes" }, "share_on_board"], [{ share_on_board: null }, "share_on_board"], [{}, "share_on_board"],
      [{ share_on_board: true, firstname: "x" }, "firstname"]] as const) {
      const res = await ana.browser.json("/api/me", "PATCH", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: "VALIDATION", field });
    }
    const notJson = await ana.browser.request("/api/me", { method: "PATCH", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
    expect(await me(ana.browser)).toEqual(answered);
  });

  it("answers 401 to a visitor who is not signed in", async () => {
    expect((await new Browser(h).json("/api/me", "PATCH", { share_on_board: true })).status).toBe(401);
  });
});

describe("GET /api/me/export", () => {
  it("downloads the athlete's own races as JSON, private ones and event names included, nobody else's", async () => {
    const ana = await newAthlete();
    const privateRace = raceActivity(ana.id, { visibility: "only_me", private: true, name: "Secret trial" });
    await applyActivity(h.verbDb, privateRace);
    await setEventName(h.verbDb, ana.raceId, ana.id, "City 10K 2026");
    const other = await newAthlete();

    const res = await ana.browser.request("/api/me/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="racesync-races-${ana.id}.json"`);
    const body = (await res.json()) as RaceExport;
    expect(body.athlete).toMatchObject({ strava_id: ana.id, share_on_board: null });
    expect(body.races.map((r) => r.strava_activity_id).sort()).toEqual([ana.raceId, privateRace.id].sort());
    expect(body.races.find((r) => r.strava_activity_id === ana.raceId)).toMatchObject({ event_name: "City 10K 2026", visibility: "everyone" });
    expect(body.races.find((r) => r.strava_activity_id === privateRace.id)).toMatchObject({ name: "Secret trial", visibility: "only_me" });
    expect(body.races.map((r) => r.strava_activity_id)).not.toContain(other.raceId);
  });

  it("answers 401 without a session", async () => {
    expect((await new Browser(h).request("/api/me/export")).status).toBe(401);
    expect((await new Browser(h).request("/api/me/export", { headers: ADMIN_BEARER })).status).toBe(401);
  });
});
