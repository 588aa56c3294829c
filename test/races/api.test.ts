import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyActivity } from "../../src/races/store.js";
import type { RaceJson } from "../../src/races/json.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";
import { Browser, signIn } from "../support/sign-in.js";

let h: Harness;
let ana: Browser, ben: Browser, hid: Browser;
const ids = { ana: 0, ben: 0, hid: 0 };
const admin = ADMIN_BEARER;

beforeAll(async () => {
  h = await startHarness();
  for (const name of ["ana", "ben", "hid"] as const) ids[name] = h.sim.seedAthlete({ firstname: name }).id;
  [ana, ben, hid] = [await signIn(h, ids.ana), await signIn(h, ids.ben), await signIn(h, ids.hid)];
  for (const b of [ana, ben, hid]) await b.json("/api/me", "PATCH", { share_on_board: true });
  await h.sql`update athletes set is_hidden = true where strava_id = ${ids.hid}`; // an admin hid them
  // 3 athletes × 12 races; several share a start date so the cursor must break ties by id.
  for (const [i, athleteId] of [ids.ana, ids.ben, ids.hid].entries()) {
    for (let d = 0; d < 12; d++) {
      const day = String(1 + Math.floor(d / 2)).padStart(2, "0");
      await applyActivity(h.verbDb, raceActivity(athleteId, { start_date: `2024-03-${day}T09:00:00Z`, distance: 5000 * (1 + ((d + i) % 4)) }));
    }
  }
  await applyActivity(h.verbDb, { ...raceActivity(ids.ana), workout_type: 0 }); // not a race
});
afterAll(() => h.close());

async function page(b: Browser, query: string, headers: Record<string, string> = {}) {
  const res = await b.request(`/api/races${query}`, { headers });
  return { status: res.status, body: (await res.json()) as { races: RaceJson[]; next_cursor: string | null; error?: { code: string; field?: string } } };
}
const athletesOf = (races: RaceJson[]) => new Set(races.map((r) => r.athlete.strava_id));

describe("GET /api/races", () => {
  it("lists visible races newest first in the API shape, hidden athletes left out", async () => {
    const { status, body } = await page(ana, "?limit=200");
    expect(status).toBe(200);
    expect(body.races).toHaveLength(24);
    expect(athletesOf(body.races)).toEqual(new Set([ids.ana, ids.ben]));
    expect(body.races[0]).toMatchObject({ athlete: { strava_id: expect.any(Number), name: expect.any(String) }, sport_type: "Run", start_date: "2024-03-06T09:00:00Z" });
    const keys = body.races.map((r) => [r.start_date, r.strava_activity_id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => b[0].localeCompare(a[0]) || b[1] - a[1]));
    expect(body.next_cursor).toBeNull();
  });

  it("shows hidden athletes' races to themselves and to admins", async () => {
    expect(athletesOf((await page(hid, "?limit=200")).body.races)).toEqual(new Set([ids.ana, ids.ben, ids.hid]));
    expect((await page(new Browser(h), "?limit=200", admin)).body.races).toHaveLength(36);
  });

  it("walks every race exactly once with the cursor", async () => {
    const seen: number[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const { body } = await page(new Browser(h), `?limit=5${cursor ? `&cursor=${cursor}` : ""}`, admin);
      expect(body.races.length).toBeLessThanOrEqual(5);
      seen.push(...body.races.map((r) => r.strava_activity_id));
      cursor = body.next_cursor;
    }
    expect(seen).toHaveLength(36);
    expect(new Set(seen).size).toBe(36);
  });

  it("filters by athlete, date range and distance", async () => {
    const byAthlete = (await page(ana, `?athlete_id=${ids.ben}&limit=200`)).body.races;
    expect(athletesOf(byAthlete)).toEqual(new Set([ids.ben]));
    expect(byAthlete).toHaveLength(12);
    const dated = (await page(ana, "?from=2024-03-02&to=2024-03-03&limit=200")).body.races;
    expect(new Set(dated.map((r) => r.start_date))).toEqual(new Set(["2024-03-02T09:00:00Z", "2024-03-03T09:00:00Z"]));
    expect((await page(ana, "?from=2024-03-02T09:00:01Z&to=2024-03-03T09:00:00Z&limit=200")).body.races.every((r) => r.start_date === "2024-03-03T09:00:00Z")).toBe(true);
    const far = (await page(ana, "?min_distance=15000&max_distance=20000&limit=200")).body.races;
    expect(far.length).toBeGreaterThan(0);
    expect(far.every((r) => r.distance >= 15000 && r.distance <= 20000)).toBe(true);
    expect((await page(ana, `?athlete_id=${ids.hid}`)).body.races).toEqual([]);
  });

  it("rejects bad query parameters naming the field", async () => {
    for (const [query, field] of [["?limit=0", "limit"], ["?limit=201", "limit"], ["?from=yesterday", "from"], ["?to=2024-13-45", "to"],
      ["?min_distance=-1", "min_distance"], ["?athlete_id=abc", "athlete_id"], ["?cursor=bogus", "cursor"]] as const) {
      const { status, body } = await page(ana, query);
      expect(status, query).toBe(400);
      expect(body.error).toMatchObject({ code: "VALIDATION", field });
    }
  });

  it("honours DASHBOARD_VISIBILITY", async () => {
    const anonymous = new Browser(h);
    try {
      h.config.dashboardVisibility = "members";
      expect((await page(anonymous, "")).status).toBe(401);
      h.config.dashboardVisibility = "public";
      const open = (await page(anonymous, "?limit=200")).body.races;
      expect(athletesOf(open)).toEqual(new Set([ids.ana, ids.ben]));
      h.config.dashboardVisibility = "self";
      expect((await page(anonymous, "")).status).toBe(401);
      expect(athletesOf((await page(ben, "?limit=200")).body.races)).toEqual(new Set([ids.ben]));
      expect((await page(ben, `?athlete_id=${ids.ana}`)).body.races).toEqual([]);
      expect((await page(new Browser(h), "?limit=200", admin)).body.races).toHaveLength(36);
    } finally {
      h.config.dashboardVisibility = "members";
    }
  });
});

describe("PATCH /api/races/:id", () => {
  const raceOf = async (athleteId: number) =>
    (await page(new Browser(h), `?athlete_id=${athleteId}&limit=1`, admin)).body.races[0]!.strava_activity_id;

  it("lets the owner name the event (trimmed; empty clears it)", async () => {
    const id = await raceOf(ids.ana);
    const res = await ana.json(`/api/races/${id}`, "PATCH", { event_name: "  City 10K  " });
    expect(res.status).toBe(200);
    expect((await res.json()).event_name).toBe("City 10K");
    const cleared = await ana.json(`/api/races/${id}`, "PATCH", { event_name: "" });
    expect((await cleared.json()).event_name).toBeNull();
  });

  it("forbids other athletes and lets admins edit", async () => {
    const id = await raceOf(ids.ana);
    const res = await ben.json(`/api/races/${id}`, "PATCH", { event_name: "Mine now" });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("FORBIDDEN");
    const byAdmin = await new Browser(h).request(`/api/races/${id}`, {
      method: "PATCH", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ event_name: "Club Champs" }),
    });
    expect(byAdmin.status).toBe(200);
    expect((await byAdmin.json()).event_name).toBe("Club Champs");
  });

  it("answers 404 for an unknown race, 401 when anonymous and 400 for a bad body", async () => {
    const id = await raceOf(ids.ana);
    expect((await ana.json("/api/races/123", "PATCH", { event_name: "x" })).status).toBe(404);
    expect((await new Browser(h).json(`/api/races/${id}`, "PATCH", { event_name: "x" })).status).toBe(401);
    for (const body of [{ event_name: "x".repeat(201) }, { event_name: 42 }, {}, { event_name: "x", other: 1 }]) {
      const res = await ana.json(`/api/races/${id}`, "PATCH", body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("VALIDATION");
    }
  });

  it("refuses (409) to edit a blocked athlete's race, even for an admin, and writes nothing", async () => {
    const id = await raceOf(ids.ben);
    await h.sql`update athletes set is_blocked = true where strava_id = ${ids.ben}`;
    try {
      const res = await new Browser(h).request(`/api/races/${id}`, {
        method: "PATCH", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ event_name: "While blocked" }),
      });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe("CONFLICT");
      expect(await h.sql`select event_name from races where strava_activity_id = ${id}`).toEqual([{ event_name: null }]);
    } finally {
      await h.sql`update athletes set is_blocked = false where strava_id = ${ids.ben}`;
    }
  });
});
