import { afterEach, describe, expect, it } from "vitest";
import { startSim, type RunningSim } from "../support/simulator.js";
import { sleep } from "./helpers.js";

let s: RunningSim;
afterEach(() => s.close());

function headers(res: Response) {
  return {
    limit: res.headers.get("x-ratelimit-limit"),
    usage: res.headers.get("x-ratelimit-usage"),
    readLimit: res.headers.get("x-readratelimit-limit"),
    readUsage: res.headers.get("x-readratelimit-usage"),
  };
}

async function setup(opts: Parameters<typeof startSim>[0] = {}) {
  s = await startSim(opts);
  const athleteId = s.sim.seedAthlete().id;
  return s.sim.issueTokens(athleteId).access_token;
}

describe("rate limits", () => {
  it("puts all four headers on 200, 401 and 404 responses with default limits", async () => {
    const token = await setup();
    expect(headers(await s.api("/athlete", token))).toEqual({ limit: "200,2000", usage: "1,1", readLimit: "100,1000", readUsage: "1,1" });
    expect(headers(await s.api("/athlete", "bogus"))).toMatchObject({ usage: "2,2", readUsage: "2,2" });
    expect(headers(await s.api("/activities/1", token))).toMatchObject({ usage: "3,3", readUsage: "3,3" });
  });

  it("answers 429 with the Strava body when the read limit is exceeded and keeps counting", async () => {
    const token = await setup({ limits: { read15: 2, readDay: 100 } });
    expect((await s.api("/athlete", token)).status).toBe(200);
    expect((await s.api("/athlete", token)).status).toBe(200);
    const limited = await s.api("/athlete", token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] });
    expect(headers(limited)).toEqual({ limit: "200,2000", usage: "3,3", readLimit: "2,100", readUsage: "3,3" });
    const again = await s.api("/athlete", token);
    expect(headers(again).readUsage).toBe("4,4");
    expect(s.sim.counters.rateLimited()).toBe(2);
    expect(s.sim.counters.requests("GET /athlete")).toBe(4);
  });

  it("applies the overall daily limit too", async () => {
    const token = await setup({ limits: { overall15: 100, overallDay: 1 } });
    expect((await s.api("/athlete", token)).status).toBe(200);
    expect((await s.api("/athlete", token)).status).toBe(429);
  });

  it("rolls the short window over on its boundary while the daily count carries on", async () => {
    const token = await setup({ limits: { read15: 1 }, windowSeconds: 1 });
    // start just after a boundary so both requests land in the same 1 s window
    await sleep(1000 - (Date.now() % 1000) + 20);
    expect((await s.api("/athlete", token)).status).toBe(200);
    expect((await s.api("/athlete", token)).status).toBe(429);
    await sleep(1000 - (Date.now() % 1000) + 20);
    const fresh = await s.api("/athlete", token);
    expect(fresh.status).toBe(200);
    expect(headers(fresh).readUsage).toBe("1,3");
  });

  it("compresses time with sub-second windows: a 0.5 s window resets at every multiple of 500 ms", async () => {
    const token = await setup({ limits: { read15: 1 }, windowSeconds: 0.5 });
    const nextWindow = () => sleep(500 - (Date.now() % 500) + 20);
    await nextWindow();
    expect((await s.api("/athlete", token)).status).toBe(200);
    expect((await s.api("/athlete", token)).status).toBe(429);
    await nextWindow();
    const fresh = await s.api("/athlete", token);
    expect(fresh.status).toBe(200);
    expect(headers(fresh)).toMatchObject({ readLimit: "1,1000", readUsage: "1,3" });
  });

  it("does not count or stamp token endpoints, and counters reset", async () => {
    await setup();
    const res = await s.form("/oauth/token", { client_id: s.sim.clientId, client_secret: s.sim.clientSecret, grant_type: "refresh_token", refresh_token: "x" });
    expect(res.headers.get("x-ratelimit-usage")).toBeNull();
    expect(s.sim.rateLimitUsage()).toEqual({ overall15: 0, overallDay: 0, read15: 0, readDay: 0 });
    expect(s.sim.counters.requests()).toEqual({ "POST /oauth/token": 1 });
    s.sim.counters.reset();
    expect(s.sim.counters.requests()).toEqual({});
  });

  it("injects 5xx faults that still carry the headers, and latency", async () => {
    const token = await setup();
    s.sim.faults.api5xxNext(1, 503);
    const failed = await s.api("/athlete/activities", token);
    expect(failed.status).toBe(503);
    expect((await failed.json()).message).toBe("Service Unavailable");
    expect(headers(failed).usage).toBe("1,1");
    expect((await s.api("/athlete/activities", token)).status).toBe(200);
    s.sim.faults.apiLatency(150);
    const started = Date.now();
    await s.api("/athlete", token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
