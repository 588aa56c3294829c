import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StravaBadRequest, StravaNotFound, StravaRateLimited, StravaTransient, StravaUnauthorized } from "../../src/strava/errors.js";
import { createHttp } from "../../src/strava/http.js";
import { parseRateLimitHeaders } from "../../src/strava/http.js";
import { startHarness, type Harness } from "../support/harness.js";

describe("rate-limit headers", () => {
  it("reads the four headers whatever their casing", () => {
    expect(
      parseRateLimitHeaders({
        "X-Ratelimit-Limit": "200,2000",
        "x-ratelimit-usage": "5, 148",
        "X-READRATELIMIT-LIMIT": "100,1000",
        "X-Readratelimit-Usage": ["5,148"],
      }),
    ).toEqual({ overallLimit: [200, 2000], overallUsage: [5, 148], readLimit: [100, 1000], readUsage: [5, 148] });
  });

  it("leaves out missing and garbled headers", () => {
    expect(parseRateLimitHeaders({})).toEqual({});
    expect(parseRateLimitHeaders({ "x-ratelimit-limit": "600", "x-ratelimit-usage": "a,b", "x-readratelimit-usage": "1,2" })).toEqual({
      readUsage: [1, 2],
    });
  });
});

describe("typed errors from real simulator answers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(async () => {
    await h.sql`delete from strava_budget`;
    h.sim.faults.reset();
    h.sim.setLimits({ overall15: 200, overallDay: 2000, read15: 100, readDay: 1000 });
  });

  it("returns a typed activity and records Strava's usage", async () => {
    const { athleteId } = await h.connect();
    const [activity] = h.sim.seedHistory(athleteId, { count: 1, raceShare: 1 });
    const got = await h.ctx.strava.forAthlete(athleteId, "webhook").getActivity(activity!.id);
    expect(got).toMatchObject({ id: activity!.id, athlete: { id: athleteId } });
    const state = await h.ctx.strava.budget.state();
    expect(state.read.short.used).toBe(h.sim.rateLimitUsage().read15);
    expect(h.ctx.strava.calls.count("GET /activities/:id 200")).toBe(1);
  });

  it("maps 404 to StravaNotFound", async () => {
    const { athleteId } = await h.connect();
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getActivity(1)).rejects.toBeInstanceOf(StravaNotFound);
  });

  it("maps 400 to StravaBadRequest", async () => {
    await expect(h.ctx.strava.exchangeCode("no-such-code")).rejects.toBeInstanceOf(StravaBadRequest);
  });

  it("maps a revoked token's 401 to StravaUnauthorized and marks the athlete needs_reauth", async () => {
    const { athleteId } = await h.connect();
    h.sim.deauthorizeAthlete(athleteId);
    await expect(h.ctx.strava.forAthlete(athleteId, "backfill").listActivities({})).rejects.toBeInstanceOf(StravaUnauthorized);
    const [row] = await h.sql`select status, last_sync_error from athletes where strava_id = ${athleteId}`;
    // The 401 is retried once with a refreshed token; Strava refuses the refresh of a revoked authorization too.
    expect(row).toMatchObject({ status: "needs_reauth", last_sync_error: expect.stringMatching(/401|refused the refresh token/) });
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).rejects.toThrow(/must reconnect/);
  });

  it("maps 429 to StravaRateLimited at the window's reopening, then refuses locally", async () => {
    const { athleteId, accessToken } = await h.connect();
    h.sim.setLimits({ read15: h.sim.rateLimitUsage().read15 });
    await fetch(`${h.config.strava.apiUrl}/athlete`, { headers: { authorization: `Bearer ${accessToken}` } }); // someone else's call
    const api = h.ctx.strava.forAthlete(athleteId, "webhook");
    const windowEnd = Math.ceil(Date.now() / 900_000) * 900_000;
    const refused = await api.getAthlete().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StravaRateLimited);
    expect((refused as StravaRateLimited).status).toBe(429);
    expect((refused as StravaRateLimited).retryAt.getTime()).toBe(windowEnd);
    const limitedBefore = h.sim.counters.rateLimited();
    const local = await api.getAthlete().catch((e: unknown) => e);
    expect(local).toBeInstanceOf(StravaRateLimited);
    expect((local as StravaRateLimited).status).toBeUndefined();
    expect(h.sim.counters.rateLimited()).toBe(limitedBefore);
  });

  it("maps 5xx to StravaTransient and does not retry it", async () => {
    const { athleteId } = await h.connect();
    const before = h.sim.counters.requests("GET /athlete");
    h.sim.faults.api5xxNext(1, 503);
    const err = await h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaTransient);
    expect((err as StravaTransient).status).toBe(503);
    expect(h.sim.counters.requests("GET /athlete")).toBe(before + 1);
  });

  it("maps a slow answer to StravaTransient after the client timeout", async () => {
    const { athleteId } = await h.connect();
    const impatient = h.makeStrava({ http: { timeoutMs: 100 } });
    h.sim.faults.apiLatency(1_000);
    await expect(impatient.forAthlete(athleteId, "webhook").getAthlete()).rejects.toThrow(StravaTransient);
    expect(impatient.calls.count("GET /athlete 0")).toBe(1);
  });
});

describe("retry safety", () => {
  let server: Server;
  let url: string;
  let connections = 0;
  let resetFirst = 1;
  beforeAll(async () => {
    server = createServer((socket: Socket) => {
      connections++;
      const reset = connections <= resetFirst;
      socket.once("data", () => (reset ? socket.resetAndDestroy() : socket.end(okResponse())));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/athlete`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const arm = (resets: number) => {
    connections = 0;
    resetFirst = resets;
  };

  it("retries a GET once when the connection is reset before any answer", async () => {
    arm(1);
    const http = createHttp();
    const res = await http.send({ endpoint: "GET /athlete", method: "GET", url });
    expect(res).toMatchObject({ status: 200, body: { id: 1 }, limits: { overallUsage: [3, 30] } });
    expect(connections).toBe(2);
    await http.close();
  });

  it("gives up after one retry", async () => {
    arm(5);
    const http = createHttp();
    await expect(http.send({ endpoint: "GET /athlete", method: "GET", url })).rejects.toBeInstanceOf(StravaTransient);
    expect(connections).toBe(2);
    await http.close();
  });

  it("never retries a POST", async () => {
    arm(1);
    const http = createHttp();
    await expect(http.send({ endpoint: "POST /oauth/token", method: "POST", url, form: { a: 1 } })).rejects.toBeInstanceOf(StravaTransient);
    expect(connections).toBe(1);
    await http.close();
  });
});

function okResponse(): string {
  const body = JSON.stringify({ id: 1 });
  return [
    "HTTP/1.1 200 OK",
    "Content-Type: application/json",
    "X-RateLimit-Usage: 3,30",
    `Content-Length: ${body.length}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}
