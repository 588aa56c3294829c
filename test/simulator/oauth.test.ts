import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSim, type RunningSim } from "../support/simulator.js";

let s: RunningSim;
beforeEach(async () => {
  s = await startSim();
});
afterEach(() => s.close());

const client = () => ({ client_id: s.sim.clientId, client_secret: s.sim.clientSecret });

async function authorize(query: Record<string, string>): Promise<URL> {
  const params = new URLSearchParams({ client_id: String(s.sim.clientId), redirect_uri: "http://localhost/cb", response_type: "code", ...query });
  const res = await fetch(`${s.url}/oauth/authorize?${params}`, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

async function exchange(code: string) {
  return s.form("/oauth/token", { ...client(), code, grant_type: "authorization_code" });
}

async function refresh(refreshToken: string) {
  return s.form("/oauth/token", { ...client(), refresh_token: refreshToken, grant_type: "refresh_token" });
}

describe("OAuth", () => {
  it("approves the chosen athlete, echoes state and scope, and exchanges the code once", async () => {
    const athlete = s.sim.seedAthlete({ firstname: "Ada", lastname: "Okafor" });
    const redirect = await authorize({ scope: "read,activity:read_all", state: "xyz", athlete_id: String(athlete.id) });
    expect(redirect.searchParams.get("state")).toBe("xyz");
    expect(redirect.searchParams.get("scope")).toBe("read,activity:read_all");
    const code = redirect.searchParams.get("code") ?? "";

    const issuedFrom = s.sim.now();
    const res = await exchange(code);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 21600, athlete: { id: athlete.id, firstname: "Ada", resource_state: 2 } });
    expect(body.expires_at).toBeGreaterThanOrEqual(issuedFrom + 21600);
    expect(body.expires_at).toBeLessThanOrEqual(s.sim.now() + 21600);
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();

    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: "Bad Request", errors: [{ resource: "RequestToken", field: "code", code: "invalid" }] });
  });

  it("uses the next athlete, a user's unticked scopes, and denial", async () => {
    const athlete = s.sim.seedAthlete();
    s.sim.oauth.nextAthleteId = athlete.id;
    s.sim.oauth.acceptedScopes = "read";
    const redirect = await authorize({ scope: "read,activity:read_all" });
    expect(redirect.searchParams.get("scope")).toBe("read");
    const body = await (await exchange(redirect.searchParams.get("code") ?? "")).json();
    expect(body.athlete.id).toBe(athlete.id);

    s.sim.oauth.deny = true;
    const denied = await authorize({ scope: "read", state: "s1" });
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("code")).toBeNull();
  });

  it("creates a seeded athlete when none is chosen", async () => {
    const redirect = await authorize({ scope: "read,activity:read" });
    const body = await (await exchange(redirect.searchParams.get("code") ?? "")).json();
    expect(s.sim.activitiesOf(body.athlete.id).length).toBeGreaterThan(0);
  });

  it("rejects a bad client with the documented fault", async () => {
    const res = await s.form("/oauth/token", { client_id: 1, client_secret: "nope", code: "x", grant_type: "authorization_code" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "Bad Request", errors: [{ resource: "Application", field: "client_id", code: "invalid" }] });
  });

  it("expires access tokens after 6 h of simulated time", async () => {
    const athlete = s.sim.seedAthlete();
    const tokens = s.sim.issueTokens(athlete.id);
    expect((await s.api("/athlete", tokens.access_token)).status).toBe(200);
    s.sim.advanceTime(6 * 3600);
    const res = await s.api("/athlete", tokens.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Authorization Error", errors: [{ resource: "Athlete", field: "access_token", code: "invalid" }] });
  });

  it("returns the same access token while more than 1 h is left, a new one after, and rotates refresh tokens", async () => {
    const athlete = s.sim.seedAthlete();
    const first = s.sim.issueTokens(athlete.id);
    const same = await (await refresh(first.refresh_token)).json();
    expect(same.access_token).toBe(first.access_token);
    expect(same.refresh_token).not.toBe(first.refresh_token);
    expect(same.athlete).toBeUndefined();

    const old = await refresh(first.refresh_token);
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ message: "Bad Request", errors: [{ resource: "RefreshToken", field: "refresh_token", code: "invalid" }] });

    s.sim.advanceTime(5 * 3600);
    const renewed = await (await refresh(same.refresh_token)).json();
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.expires_in).toBe(21600);
    // the older access token stays valid until it expires
    expect((await s.api("/athlete", first.access_token)).status).toBe(200);
  });

  it("keeps the refresh token when rotation is off", async () => {
    s.sim.setTokenRotation(false);
    const athlete = s.sim.seedAthlete();
    const first = s.sim.issueTokens(athlete.id);
    s.sim.expireAccessTokens(athlete.id);
    const next = await (await refresh(first.refresh_token)).json();
    expect(next.refresh_token).toBe(first.refresh_token);
    expect(next.access_token).not.toBe(first.access_token);
    expect((await refresh(first.refresh_token)).status).toBe(200);
  });

  it("deauthorize kills every token of the athlete", async () => {
    const athlete = s.sim.seedAthlete();
    const tokens = s.sim.issueTokens(athlete.id);
    const res = await fetch(`${s.url}/oauth/deauthorize`, { method: "POST", headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await res.json()).toEqual({ access_token: tokens.access_token });
    expect((await s.api("/athlete", tokens.access_token)).status).toBe(401);
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
  });

  it("also serves the token endpoint under /api/v3/oauth without rate-limit accounting", async () => {
    const tokens = s.sim.issueTokens(s.sim.seedAthlete().id);
    const res = await s.form("/api/v3/oauth/token", { ...client(), refresh_token: tokens.refresh_token, grant_type: "refresh_token" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-usage")).toBeNull();
    expect(s.sim.counters.requests("POST /oauth/token")).toBe(1);
  });
});
