import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RequestRecord, SimActivity } from "../../src/simulator/index.js";
import { startSim, type RunningSim } from "../support/simulator.js";

let s: RunningSim;
let ada: number;
let bruno: number;
let token: string;
afterEach(() => s.close());

beforeEach(async () => {
  s = await startSim();
  ada = s.sim.seedAthlete({ firstname: "Ada", lastname: "Okafor" }).id;
  bruno = s.sim.seedAthlete({ firstname: "Bruno", lastname: "Lindqvist" }).id;
  token = s.sim.issueTokens(ada).access_token;
});

async function feed(query = "", as = token): Promise<Array<Record<string, unknown>>> {
  const res = await s.api(`/clubs/${s.sim.clubId}/activities?${query}`, as);
  expect(res.status).toBe(200);
  return res.json();
}
const names = (items: Array<Record<string, unknown>>) => items.map((a) => a.name);
const newestFirst = (items: SimActivity[]) =>
  [...items].sort((a, b) => Date.parse(b.start_date) - Date.parse(a.start_date) || b.id - a.id);

describe("GET /clubs/:id/activities", () => {
  it("shows ClubActivity fields only: no id, no dates, the lastname's initial", async () => {
    const run = s.sim.createActivity(ada, { name: "Morning Run", sport_type: "TrailRun", workout_type: null, visibility: "everyone" });
    expect(s.sim.clubId).toBe(4242);
    expect(await feed()).toEqual([
      {
        resource_state: 2,
        athlete: { resource_state: 2, firstname: "Ada", lastname: "O." },
        name: "Morning Run",
        distance: run.distance,
        moving_time: run.moving_time,
        elapsed_time: run.elapsed_time,
        total_elevation_gain: run.total_elevation_gain,
        type: "Run",
        sport_type: "TrailRun",
        workout_type: null,
      },
    ]);
  });

  it("lists every member's activities newest first, ties by id descending, and pages with per_page", async () => {
    const all = [
      ...s.sim.seedHistory(ada, { count: 6, start: new Date("2026-06-01T08:00:00Z"), spacingHours: 24, sameStartDateGroups: 1 }),
      ...s.sim.seedHistory(bruno, { count: 6, start: new Date("2026-06-01T20:00:00Z"), spacingHours: 24 }),
    ].map((a, i) => s.sim.updateActivity(a.id, { name: `activity ${i}`, visibility: "everyone" }));
    const expected = newestFirst(all).map((a) => a.name);
    expect(names(await feed())).toEqual(expected);
    const pages = [await feed("per_page=5&page=1"), await feed("per_page=5&page=2"), await feed("per_page=5&page=3")];
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((a) => a.name)).toEqual(expected);
    expect(await feed("per_page=5&page=4")).toEqual([]);
    expect(new Set((await feed()).map((a) => (a.athlete as { firstname: string }).firstname))).toEqual(new Set(["Ada", "Bruno"]));
  });

  it("defaults per_page to 30 and caps it at 200", async () => {
    s.sim.seedHistory(bruno, { count: 230, start: new Date("2025-01-01T00:00:00Z"), spacingHours: 2 });
    expect(await feed()).toHaveLength(30);
    expect(await feed("per_page=500")).toHaveLength(200);
  });

  it("leaves out Only-Me and Followers-only activities and non-members' activities", async () => {
    const shown = s.sim.createActivity(bruno, { name: "shown", visibility: "everyone" });
    s.sim.createActivity(bruno, { name: "only me", visibility: "only_me" });
    s.sim.createActivity(bruno, { name: "followers", visibility: "followers_only" });
    const hidden = s.sim.createActivity(ada, { name: "made private", visibility: "everyone" });
    s.sim.updateActivity(hidden.id, { visibility: "only_me" });
    expect(names(await feed())).toEqual([shown.name]);

    const carol = s.sim.seedAthlete({ firstname: "Carol" }).id;
    s.sim.createActivity(carol, { name: "non-member", visibility: "everyone" });
    s.sim.setClubMember(carol, false);
    expect(names(await feed())).toEqual([shown.name]);
    s.sim.setClubMember(carol, true);
    expect(names(await feed())).toEqual(["non-member", shown.name]);
  });

  it("keeps up with activities created, seeded and deleted between reads", async () => {
    const seeded = s.sim.seedHistory(ada, { count: 5, start: new Date("2026-05-01T08:00:00Z") });
    expect(await feed()).toHaveLength(5);
    s.sim.deleteActivity(seeded[2]?.id ?? 0);
    const created = s.sim.createActivity(bruno, { name: "just now", visibility: "everyone" });
    const older = s.sim.seedHistory(bruno, { count: 3, start: new Date("2026-04-01T08:00:00Z") });
    const expected = newestFirst([...seeded.filter((_, i) => i !== 2), created, ...older]).map((a) => a.name);
    expect(names(await feed())).toEqual(expected);
    s.sim.deleteActivity(created.id);
    expect(names(await feed())).toEqual(expected.slice(1));
  });

  it("shows a race mark in the next answer", async () => {
    const run = s.sim.createActivity(bruno, { sport_type: "Run", workout_type: null, visibility: "everyone" });
    expect((await feed())[0]).toMatchObject({ name: run.name, workout_type: null });
    s.sim.updateActivity(run.id, { workout_type: 1 });
    expect((await feed())[0]).toMatchObject({ name: run.name, workout_type: 1 });
  });

  it("answers 404 Club not found to a non-member's token and for another club", async () => {
    const body = { message: "Resource Not Found", errors: [{ resource: "Club", field: "", code: "not found" }] };
    s.sim.setClubMember(ada, false);
    expect(s.sim.athlete(ada).clubMember).toBe(false);
    const nonMember = await s.api(`/clubs/${s.sim.clubId}/activities`, token);
    expect(nonMember.status).toBe(404);
    expect(await nonMember.json()).toEqual(body);

    const brunoToken = s.sim.issueTokens(bruno).access_token;
    const otherClub = await s.api(`/clubs/${s.sim.clubId + 1}/activities`, brunoToken);
    expect(otherClub.status).toBe(404);
    expect(await otherClub.json()).toEqual(body);
  });

  it("answers 401 without a valid token", async () => {
    for (const bad of [undefined, "bogus"]) {
      const res = await s.api(`/clubs/${s.sim.clubId}/activities`, bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: "Authorization Error", errors: [{ resource: "Athlete", field: "access_token", code: "invalid" }] });
    }
  });

  it("takes its club id from the options and a non-member from the control API", async () => {
    await s.close();
    s = await startSim({ clubId: 77 });
    const athlete = s.sim.seedAthlete().id;
    s.sim.createActivity(athlete, { visibility: "everyone" });
    token = s.sim.issueTokens(athlete).access_token;
    expect(s.sim.clubId).toBe(77);
    expect(await feed()).toHaveLength(1);
    const put = await fetch(`${s.url}/_sim/athletes/${athlete}/club-member`, { method: "PUT", body: JSON.stringify({ member: false }) });
    expect(put.status).toBe(204);
    expect((await s.api("/clubs/77/activities", token)).status).toBe(404);
  });

  it("counts as a read call against the rate limits and in the request log", async () => {
    s.sim.createActivity(bruno, { visibility: "everyone" });
    const heard: RequestRecord[] = [];
    s.sim.onRequest((r) => heard.push(r));
    const first = await s.api(`/clubs/${s.sim.clubId}/activities?per_page=10`, token);
    expect(first.headers.get("x-ratelimit-usage")).toBe("1,1");
    expect(first.headers.get("x-readratelimit-usage")).toBe("1,1");
    s.sim.setClubMember(ada, false);
    const refused = await s.api(`/clubs/${s.sim.clubId}/activities`, token);
    expect(refused.status).toBe(404);
    expect(refused.headers.get("x-readratelimit-usage")).toBe("2,2");
    expect(s.sim.rateLimitUsage()).toMatchObject({ read15: 2, readDay: 2 });
    expect(s.sim.counters.requests("GET /clubs/:id/activities")).toBe(2);
    expect(heard.map(({ at: _at, ...r }) => r)).toEqual([
      { endpoint: "GET /clubs/:id/activities", path: `/api/v3/clubs/${s.sim.clubId}/activities`, query: { per_page: "10" }, status: 200, athleteId: ada },
      { endpoint: "GET /clubs/:id/activities", path: `/api/v3/clubs/${s.sim.clubId}/activities`, query: {}, status: 404, athleteId: ada },
    ]);
  });

  it("answers 429 once the read limit is exceeded", async () => {
    await s.close();
    s = await startSim({ limits: { read15: 1 } });
    token = s.sim.issueTokens(s.sim.seedAthlete().id).access_token;
    expect((await s.api(`/clubs/${s.sim.clubId}/activities`, token)).status).toBe(200);
    expect((await s.api(`/clubs/${s.sim.clubId}/activities`, token)).status).toBe(429);
  });
});
