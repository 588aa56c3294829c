import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StravaUnauthorized } from "../../src/strava/errors.js";
import { decryptToken, tokenKeys, type TokenField } from "../../src/strava/token-crypto.js";
import { startHarness, type Harness } from "../support/harness.js";

describe("access tokens", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const stored = async (athleteId: number) => {
    const [row] = await h.sql<{ access_token_enc: string; refresh_token_enc: string; token_expires_at: Date; status: string; last_sync_error: string | null }[]>`
      select access_token_enc, refresh_token_enc, token_expires_at, status, last_sync_error from athletes where strava_id = ${athleteId}`;
    return row!;
  };
  const plain = (athleteId: number, field: TokenField, stored: string) => decryptToken(tokenKeys(h.config), stored, { athleteId, field });
  const expireSoon = (athleteId: number) =>
    h.sql`update athletes set token_expires_at = now() + interval '2 minutes' where strava_id = ${athleteId}`;
  const refreshForm = (refreshToken: string) =>
    fetch(`${h.config.strava.oauthUrl}/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: String(h.sim.clientId), client_secret: h.sim.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken }),
    });

  it("stores tokens as ciphertext only", async () => {
    const { athleteId, accessToken, refreshToken } = await h.connect();
    const row = await stored(athleteId);
    expect(row.access_token_enc).not.toContain(accessToken);
    expect(row.refresh_token_enc).not.toContain(refreshToken);
    expect(plain(athleteId, "refresh", row.refresh_token_enc)).toBe(refreshToken);
  });

  it("uses a fresh token without calling Strava", async () => {
    const { athleteId } = await h.connect();
    const before = h.sim.counters.requests("POST /oauth/token");
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: athleteId });
    expect(h.sim.counters.requests("POST /oauth/token")).toBe(before);
  });

  it("refreshes an expiring token and persists the rotated refresh token, encrypted", async () => {
    const { athleteId, refreshToken } = await h.connect();
    await expireSoon(athleteId);
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: athleteId });
    const row = await stored(athleteId);
    const rotated = plain(athleteId, "refresh", row.refresh_token_enc);
    expect(rotated).not.toBe(refreshToken);
    expect(row.refresh_token_enc).not.toContain(rotated);
    expect(row.token_expires_at.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect((await refreshForm(refreshToken)).status).toBe(400);
  });

  it("refreshes once when two workers need a token at the same time", async () => {
    const { athleteId } = await h.connect();
    await expireSoon(athleteId);
    const other = h.makeStrava();
    const before = h.sim.counters.requests("POST /oauth/token");
    const [a, b] = await Promise.all([
      h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete(),
      other.forAthlete(athleteId, "backfill").getAthlete(),
    ]);
    expect([a.id, b.id]).toEqual([athleteId, athleteId]);
    expect(h.sim.counters.requests("POST /oauth/token")).toBe(before + 1);
  });

  it("an access token Strava refuses before its stored expiry is refreshed, and the call tried once more", async () => {
    const { athleteId, accessToken } = await h.connect();
    h.sim.expireAccessTokens(athleteId); // a slow call or a skewed clock: Strava says expired, our row says 6 h left
    const before = h.sim.refreshStats();
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: athleteId });
    expect(h.sim.refreshStats()).toEqual({ granted: before.granted + 1, refused: before.refused });
    const row = await stored(athleteId);
    expect(row.status).toBe("active");
    expect(plain(athleteId, "access", row.access_token_enc)).not.toBe(accessToken);
  });

  it("marks the athlete needs_reauth when Strava rejects the refresh token", async () => {
    const { athleteId, refreshToken } = await h.connect();
    await refreshForm(refreshToken); // rotation: the stored refresh token is now dead
    await expireSoon(athleteId);
    const api = h.ctx.strava.forAthlete(athleteId, "webhook");
    await expect(api.getAthlete()).rejects.toBeInstanceOf(StravaUnauthorized);
    expect(await stored(athleteId)).toMatchObject({ status: "needs_reauth", last_sync_error: expect.stringContaining("refresh token") });
    const before = h.sim.counters.requests("POST /oauth/token");
    await expect(api.getAthlete()).rejects.toThrow(/must reconnect/);
    expect(h.sim.counters.requests("POST /oauth/token")).toBe(before);
  });

  it("refuses deauthorized, blocked and unknown athletes with a clear message", async () => {
    const { athleteId: deauthorized } = await h.connect();
    await h.sql`update athletes set status = 'deauthorized' where strava_id = ${deauthorized}`;
    const { athleteId: blocked } = await h.connect();
    await h.sql`update athletes set is_blocked = true where strava_id = ${blocked}`;
    const { athleteId: tokenless } = await h.connect();
    await h.sql`update athletes set access_token_enc = null, refresh_token_enc = null where strava_id = ${tokenless}`;
    const call = (id: number) => h.ctx.strava.forAthlete(id, "webhook").getAthlete();
    await expect(call(deauthorized)).rejects.toThrow(/deauthorized/);
    await expect(call(blocked)).rejects.toThrow(/blocked/);
    await expect(call(tokenless)).rejects.toThrow(/no stored Strava tokens/);
    await expect(call(424242)).rejects.toThrow(/not connected/);
    expect((await stored(deauthorized)).status).toBe("deauthorized");
  });

  it("revokes with the athlete's tokens and tolerates already revoked ones", async () => {
    const { athleteId, accessToken, refreshToken } = await h.connect();
    const before = h.sim.counters.requests("POST /oauth/deauthorize");
    expect(await h.ctx.strava.authorizationRefused(athleteId)).toBe(false);
    await h.ctx.strava.revokeTokens({ accessToken, refreshToken });
    // Strava answers 401, and refuses the refresh token: nothing is left to revoke.
    await expect(h.ctx.strava.revokeTokens({ accessToken, refreshToken })).resolves.toBeUndefined();
    expect(h.ctx.strava.calls.count("POST /oauth/deauthorize 401")).toBe(1);
    expect(h.sim.counters.requests("POST /oauth/deauthorize")).toBe(before + 2);
    expect(await h.ctx.strava.authorizationRefused(athleteId)).toBe(true);
    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).rejects.toBeInstanceOf(StravaUnauthorized);
  });

  it("revokes with a refreshed token when the access token has expired", async () => {
    const { athleteId, accessToken, refreshToken } = await h.connect();
    h.sim.expireAccessTokens(athleteId);
    await h.ctx.strava.revokeTokens({ accessToken, refreshToken });
    expect(h.ctx.strava.calls.count("POST /oauth/deauthorize 200")).toBe(2); // the first test's, and this one
    expect(await h.ctx.strava.authorizationRefused(athleteId)).toBe(true);
  });
});
