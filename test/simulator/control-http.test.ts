import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSim, type RunningSim } from "../support/simulator.js";

let s: RunningSim;
beforeEach(async () => {
  s = await startSim();
});
afterEach(() => s.close());

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}/_sim${path}`, { method, headers: { "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

describe("control API over HTTP", () => {
  it("seeds, issues tokens, edits and reads the truth", async () => {
    const athlete = (await control("POST", "/athletes", { id: 5000, firstname: "Jun" })).body;
    expect(athlete).toMatchObject({ id: 5000, firstname: "Jun" });
    const history = (await control("POST", "/athletes/5000/history", { count: 5, raceShare: 1 })).body;
    expect(history).toHaveLength(5);
    const tokens = (await control("POST", "/athletes/5000/tokens", { scopes: "read,activity:read" })).body;
    expect((await s.api("/athlete/activities", tokens.access_token)).status).toBe(200);

    const edited = (await control("PATCH", `/activities/${history[0].id}`, { workout_type: 0 })).body;
    expect(edited.workout_type).toBe(0);
    expect((await control("GET", "/athletes/5000/races")).body).toHaveLength(4);

    await control("POST", "/time/advance", { seconds: 7 * 3600 });
    expect((await s.api("/athlete", tokens.access_token)).status).toBe(401);
    expect((await control("GET", "/counters")).body.requests).toMatchObject({ "GET /athlete/activities": 1, "GET /athlete": 1 });
  });

  it("sets faults and limits, and reports errors as 400", async () => {
    expect((await control("PUT", "/faults", { api5xxNext: 2, dropShare: 0.5 })).body).toMatchObject({ api5xxNext: 2, dropShare: 0.5 });
    expect((await control("PUT", "/limits", { read15: 5, windowSeconds: 2 })).body).toMatchObject({ read15: 5, windowSeconds: 2, overall15: 200 });
    expect((await control("PATCH", "/activities/1", { name: "x" })).status).toBe(400);
    expect((await control("GET", "/subscription")).body).toBeNull();
  });
});
