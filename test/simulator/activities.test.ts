import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimActivity } from "../../src/simulator/index.js";
import { startSim, type RunningSim } from "../support/simulator.js";

let s: RunningSim;
let athleteId: number;
let token: string;
let history: SimActivity[];
const epoch = (a: { start_date: string }) => Date.parse(a.start_date) / 1000;

beforeEach(async () => {
  s = await startSim();
  athleteId = s.sim.seedAthlete().id;
  history = s.sim.seedHistory(athleteId, { count: 10, start: new Date("2026-06-01T08:00:00Z"), spacingHours: 24 });
  token = s.sim.issueTokens(athleteId, "read,activity:read_all").access_token;
});
afterEach(() => s.close());

async function list(query: string, as = token): Promise<Array<Record<string, unknown>>> {
  const res = await s.api(`/athlete/activities?${query}`, as);
  expect(res.status).toBe(200);
  return res.json();
}
const ids = (items: Array<Record<string, unknown>>) => items.map((a) => a.id);

describe("GET /athlete/activities", () => {
  it("lists newest first by default and with before", async () => {
    const all = await list("");
    expect(all).toHaveLength(10);
    expect(ids(all)).toEqual(history.map((a) => a.id));
    const cutoff = epoch(history[3] as SimActivity);
    expect(ids(await list(`before=${cutoff}`))).toEqual(history.slice(4).map((a) => a.id));
  });

  it("lists oldest first with after alone and newest first with both", async () => {
    const after = epoch(history[6] as SimActivity);
    expect(ids(await list(`after=${after}`))).toEqual(history.slice(0, 6).reverse().map((a) => a.id));
    const before = epoch(history[1] as SimActivity);
    expect(ids(await list(`after=${after}&before=${before}`))).toEqual(history.slice(2, 6).map((a) => a.id));
  });

  it("pages without gaps or overlaps, also across equal start dates", async () => {
    const other = s.sim.seedAthlete().id;
    s.sim.seedHistory(other, { count: 9, sameStartDateGroups: 1, sameStartDateGroupSize: 5 });
    const otherToken = s.sim.issueTokens(other).access_token;
    const pages = [await list("per_page=4&page=1", otherToken), await list("per_page=4&page=2", otherToken), await list("per_page=4&page=3", otherToken)];
    expect(pages.map((p) => p.length)).toEqual([4, 4, 1]);
    const seen = pages.flat().map((a) => a.id);
    expect(new Set(seen).size).toBe(9);
    expect(new Set(pages[0]?.map((a) => a.start_date)).size).toBe(1);
    expect(await list("per_page=4&page=4", otherToken)).toEqual([]);
  });

  it("defaults per_page to 30 and caps it at 200", async () => {
    s.sim.seedHistory(athleteId, { count: 230, start: new Date("2025-01-01T00:00:00Z"), spacingHours: 2 });
    expect(await list("")).toHaveLength(30);
    expect(await list("per_page=500")).toHaveLength(200);
  });

  it("hides Only-Me activities without activity:read_all", async () => {
    const hidden = s.sim.updateActivity(history[0]?.id ?? 0, { visibility: "only_me" });
    const readOnly = s.sim.issueTokens(athleteId, "read,activity:read").access_token;
    expect(ids(await list("", readOnly))).not.toContain(hidden.id);
    expect(ids(await list("", token))).toContain(hidden.id);
    expect((await list("", token)).find((a) => a.id === hidden.id)).toMatchObject({ private: true, visibility: "only_me" });
    expect((await s.api(`/activities/${hidden.id}`, readOnly)).status).toBe(404);
  });

  it("answers 400 future for an after in milliseconds and 401 without activity:read", async () => {
    const future = await s.api(`/athlete/activities?after=${Date.now()}`, token);
    expect(future.status).toBe(400);
    expect(await future.json()).toEqual({ message: "Bad Request", errors: [{ resource: "Application", field: "after", code: "future" }] });
    const profileOnly = s.sim.issueTokens(athleteId, "read").access_token;
    const missing = await s.api("/athlete/activities", profileOnly);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: "Authorization Error", errors: [{ resource: "AccessToken", field: "activity:read_permission", code: "missing" }] });
  });
});

describe("GET /activities/:id", () => {
  it("returns a detailed activity shaped like Strava's", async () => {
    const race = s.sim.createActivity(athleteId, { name: "City Marathon", sport_type: "Run", workout_type: 1, distance: 42195 });
    const res = await s.api(`/activities/${race.id}`, token);
    const body = await res.json();
    expect(body).toMatchObject({
      id: race.id, resource_state: 3, athlete: { id: athleteId, resource_state: 1 }, name: "City Marathon",
      type: "Run", sport_type: "Run", workout_type: 1, distance: 42195, visibility: "everyone", private: false,
    });
    for (const field of ["moving_time", "elapsed_time", "total_elevation_gain", "start_date", "start_date_local", "timezone", "utc_offset"]) {
      expect(body).toHaveProperty(field);
    }
    expect(race.id).toBeGreaterThanOrEqual(10_000_000_000);
    expect(s.sim.racesOf(athleteId).map((a) => a.id)).toContain(race.id);
  });

  it("answers 404 for missing, deleted and other athletes' activities", async () => {
    const notFound = { message: "Resource Not Found", errors: [{ resource: "Activity", field: "", code: "not found" }] };
    const victim = history[0]?.id ?? 0;
    s.sim.deleteActivity(victim);
    const otherToken = s.sim.issueTokens(s.sim.seedAthlete().id).access_token;
    for (const [id, as] of [[123, token], [victim, token], [history[1]?.id, otherToken]] as const) {
      const res = await s.api(`/activities/${id}`, as);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(notFound);
    }
  });

  it("makes TrailRun a Run type and reports races from the truth", async () => {
    const trail = s.sim.createActivity(athleteId, { sport_type: "TrailRun", workout_type: 1 });
    expect(trail.type).toBe("Run");
    s.sim.updateActivity(trail.id, { workout_type: 0 });
    expect(s.sim.racesOf(athleteId).map((a) => a.id)).not.toContain(trail.id);
  });
});
