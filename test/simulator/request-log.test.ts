import { afterEach, describe, expect, it } from "vitest";
import type { RequestRecord } from "../../src/simulator/index.js";
import { startSim, type RunningSim } from "../support/simulator.js";

let s: RunningSim;
afterEach(() => s.close());

describe("request log", () => {
  it("tells a listener each answered request: endpoint, query, status and whose token", async () => {
    s = await startSim({ limits: { read15: 2 } });
    const athleteId = s.sim.seedAthlete().id;
    const { id } = s.sim.createActivity(athleteId);
    const token = s.sim.issueTokens(athleteId).access_token;
    const heard: RequestRecord[] = [];
    s.sim.onRequest((r) => heard.push(r));
    const before = s.sim.now() * 1000;

    await s.api("/athlete/activities?after=1700000000&per_page=200", token);
    await s.api(`/activities/${id}`, token);
    await s.api(`/activities/${id}`, token); // third read in the window: 429, refused before the token is looked at

    expect(heard.map(({ at: _at, ...r }) => r)).toEqual([
      { endpoint: "GET /athlete/activities", path: "/api/v3/athlete/activities", query: { after: "1700000000", per_page: "200" }, status: 200, athleteId },
      { endpoint: "GET /activities/:id", path: `/api/v3/activities/${id}`, query: {}, status: 200, athleteId },
      { endpoint: "GET /activities/:id", path: `/api/v3/activities/${id}`, query: {}, status: 429, athleteId: null },
    ]);
    for (const r of heard) expect(r.at).toBeGreaterThanOrEqual(before);
  });

  it("stops telling a listener once unsubscribed", async () => {
    s = await startSim();
    const token = s.sim.issueTokens(s.sim.seedAthlete().id).access_token;
    const heard: RequestRecord[] = [];
    const unsubscribe = s.sim.onRequest((r) => heard.push(r));
    await s.api("/athlete", token);
    unsubscribe();
    await s.api("/athlete", token);
    expect(heard.map((r) => r.endpoint)).toEqual(["GET /athlete"]);
  });
});
