import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/signing.js";
import { applyActivity } from "../../src/races/store.js";
import { decryptToken } from "../../src/strava/token-crypto.js";
import { addJob } from "../../src/worker/jobs.js";
import { ADMIN_TOKEN, Browser, raceActivity, signIn, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const meStatus = async (b: Browser, headers: Record<string, string> = {}) => (await b.request("/api/me", { headers })).status;

describe("sessions", () => {
  it("refuses a tampered session cookie", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    const [body, mac] = browser.cookies.get("rs_session")!.split(".");
    const other = h.sim.seedAthlete();
    await signIn(h, other.id);
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), sub: other.id })).toString("base64url");
    browser.cookies.set("rs_session", `${forgedBody}.${mac}`);
    expect(await meStatus(browser)).toBe(401);
  });

  it("refuses a session signed with another secret or already expired", async () => {
    const athlete = h.sim.seedAthlete();
    await signIn(h, athlete.id);
    const now = Math.floor(Date.now() / 1000);
    const browser = new Browser(h);
    browser.cookies.set("rs_session", signToken("x".repeat(48), { sub: athlete.id, iat: now, exp: now + 60 }));
    expect(await meStatus(browser)).toBe(401);
    browser.cookies.set("rs_session", signToken("s".repeat(48), { sub: athlete.id, iat: now - 60, exp: now - 1 }));
    expect(await meStatus(browser)).toBe(401);
  });

  it("ends the session of an athlete an admin blocks", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    expect(await meStatus(browser)).toBe(200);
    await h.database.sql`update athletes set is_blocked = true where strava_id = ${athlete.id}`;
    expect(await meStatus(browser)).toBe(401);
  });

  it("logs out", async () => {
    const browser = await signIn(h, h.sim.seedAthlete().id);
    expect((await browser.request("/auth/logout", { method: "POST" })).status).toBe(204);
    expect(browser.cookies.has("rs_session")).toBe(false);
    expect(await meStatus(browser)).toBe(401);
  });

  it("treats the admin bearer token as an admin, and a wrong one as nobody", async () => {
    const anonymous = new Browser(h);
    h.ctx.config.dashboardVisibility = "members";
    expect((await anonymous.request("/api/athletes", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    expect((await anonymous.request("/api/athletes", { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).status).toBe(401);
    // The bearer admin is not an athlete: there is no "me".
    expect(await meStatus(anonymous, { authorization: `Bearer ${ADMIN_TOKEN}` })).toBe(401);
  });
});

describe("disconnecting", () => {
  it("deauthorizes at Strava, deletes the athlete's races, tokens and queued jobs, and signs out", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    const raceCount = 3;
    for (let i = 0; i < raceCount; i++) {
      await applyActivity(h.database.sql, raceActivity(athlete.id));
    }
    await addJob(h.database.sql, "activity-sync", { athleteId: athlete.id, activityId: 1 });
    const other = h.sim.seedAthlete();
    await signIn(h, other.id);
    const [row] = await h.database.sql`select access_token_enc from athletes where strava_id = ${athlete.id}`;
    const accessToken = decryptToken(h.ctx.config.tokenEncryptionKey, row!.access_token_enc);
    expect((await fetch(`${h.simUrl}/api/v3/athlete`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);

    const res = await browser.request("/auth/strava/disconnect", { method: "POST" });
    expect(res.status).toBe(204);

    expect((await fetch(`${h.simUrl}/api/v3/athlete`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
    expect((await h.database.sql`select count(*)::int as n from races where athlete_id = ${athlete.id}`)[0]!.n).toBe(0);
    const [after] = await h.database.sql`
      select access_token_enc, refresh_token_enc, status, deauthorized_at from athletes where strava_id = ${athlete.id}`;
    expect(after).toMatchObject({ access_token_enc: null, refresh_token_enc: null, status: "deauthorized" });
    expect(after!.deauthorized_at).toBeInstanceOf(Date);
    const jobs = await h.database.sql`select payload->>'athleteId' as athlete from graphile_worker._private_jobs`;
    expect(jobs.map((j) => Number(j.athlete))).toEqual([other.id]);
    expect(browser.cookies.has("rs_session")).toBe(false);
    expect(await meStatus(browser)).toBe(401);
  });

  it("still deletes the data when Strava refuses the deauthorization", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    h.sim.deauthorizeAthlete(athlete.id); // tokens already revoked on Strava's side
    expect((await browser.request("/auth/strava/disconnect", { method: "POST" })).status).toBe(204);
    const [after] = await h.database.sql`select status, access_token_enc from athletes where strava_id = ${athlete.id}`;
    expect(after).toMatchObject({ status: "deauthorized", access_token_enc: null });
  });

  it("requires a signed-in athlete", async () => {
    expect((await new Browser(h).request("/auth/strava/disconnect", { method: "POST" })).status).toBe(401);
  });
});
