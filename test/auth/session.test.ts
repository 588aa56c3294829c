import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/signing.js";
import { applyActivity } from "../../src/races/store.js";
import { decryptToken, tokenKeys } from "../../src/strava/token-crypto.js";
import { addJob } from "../../src/db/jobs.js";
import { createLog } from "../../src/log.js";
import { startFeedListener } from "../../src/stream/listener.js";
import { ADMIN_BEARER, TEST_ADMIN_TOKEN } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";
import { authorizeAt, Browser, signIn } from "../support/sign-in.js";
import { readSse } from "../support/sse.js";
import { waitFor } from "../support/wait.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const meStatus = async (b: Browser, headers: Record<string, string> = {}) => (await b.request("/api/me", { headers })).status;

/** Another browser holding a copy of `b`'s cookies: what someone who saved the cookie replays. */
function copyOf(b: Browser): Browser {
  const copy = new Browser(h);
  copy.cookies = new Map(b.cookies);
  return copy;
}

async function adminSets(athleteId: number, flags: Record<string, boolean>): Promise<void> {
  const res = await new Browser(h).request(`/api/admin/athletes/${athleteId}`, {
    method: "PATCH", headers: { ...ADMIN_BEARER, "content-type": "application/json" }, body: JSON.stringify(flags),
  });
  expect(res.status).toBe(200);
}

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
    await h.sql`update athletes set is_blocked = true where strava_id = ${athlete.id}`;
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
    h.config.dashboardVisibility = "members";
    expect((await anonymous.request("/api/athletes", { headers: ADMIN_BEARER })).status).toBe(200);
    expect((await anonymous.request("/api/athletes", { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` } })).status).toBe(401);
    // The bearer admin is not an athlete: there is no "me".
    expect(await meStatus(anonymous, ADMIN_BEARER)).toBe(401);
  });
});

describe("disconnecting", () => {
  it("deletes the athlete's races, tokens and queued jobs at once, signs out, and revokes at Strava in a job", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    const raceCount = 3;
    for (let i = 0; i < raceCount; i++) {
      await applyActivity(h.verbDb, raceActivity(athlete.id));
    }
    await addJob(h.verbDb, "activity-sync", { athleteId: athlete.id, activityId: 1 });
    const other = h.sim.seedAthlete();
    await signIn(h, other.id);
    const [row] = await h.sql`select access_token_enc from athletes where strava_id = ${athlete.id}`;
    const accessToken = decryptToken(tokenKeys(h.config), row!.access_token_enc, { athleteId: athlete.id, field: "access" });
    const stravaAnswers = async () => (await fetch(`${h.simUrl}/api/v3/athlete`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
    expect(await stravaAnswers()).toBe(200);

    const res = await browser.request("/auth/strava/disconnect", { method: "POST" });
    expect(res.status).toBe(204);

    expect((await h.sql`select count(*)::int as n from races where athlete_id = ${athlete.id}`)[0]!.n).toBe(0);
    expect(await h.sql`select 1 from athletes where strava_id = ${athlete.id}`).toHaveLength(0);
    expect(await h.sql`select 1 from athlete_tombstones where strava_id = ${athlete.id}`).toHaveLength(1);
    const jobs = await h.sql`
      select t.identifier as task, j.payload->>'athleteId' as athlete
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`;
    expect(jobs.map((j) => [j.task, Number(j.athlete)])).toEqual([["athlete-backfill", other.id], ["strava-revoke", athlete.id]]);
    expect(browser.cookies.has("rs_session")).toBe(false);
    expect(await meStatus(browser)).toBe(401);

    await h.startWorker();
    await waitFor(async () => (await stravaAnswers()) === 401, "Strava to refuse the revoked token");
    await waitFor(async () => (await h.sql`select 1 from graphile_worker.jobs where task_identifier = 'strava-revoke'`).length === 0, "the revoke job to end");
  });

  it("deletes the data at once, and the revoke job ends, when Strava has revoked the tokens already", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    h.sim.deauthorizeAthlete(athlete.id); // tokens already revoked on Strava's side
    expect((await browser.request("/auth/strava/disconnect", { method: "POST" })).status).toBe(204);
    expect(await h.sql`select 1 from athletes where strava_id = ${athlete.id}`).toHaveLength(0);
    await h.startWorker();
    await waitFor(async () => (await h.sql`select 1 from graphile_worker.jobs where task_identifier = 'strava-revoke'`).length === 0, "the revoke job to end");
    expect(h.ctx.strava.calls.count("POST /oauth/token 400")).toBe(1); // the refresh token was refused: nothing left to revoke
  });

  it("requires a signed-in athlete", async () => {
    expect((await new Browser(h).request("/auth/strava/disconnect", { method: "POST" })).status).toBe(401);
  });
});

describe("ending sessions", () => {
  it("a saved cookie replayed after logout gets 401, and the athlete's other sessions end too", async () => {
    const athlete = h.sim.seedAthlete();
    const [laptop, phone] = [await signIn(h, athlete.id), await signIn(h, athlete.id)];
    const saved = copyOf(laptop);
    expect((await laptop.request("/auth/logout", { method: "POST" })).status).toBe(204);
    expect(await meStatus(saved)).toBe(401);
    expect(await meStatus(phone)).toBe(401);
    expect(await meStatus(await signIn(h, athlete.id))).toBe(200); // signing in again works
    expect(await meStatus(saved)).toBe(401);
  });

  it("a saved cookie replayed after a disconnect gets 401, even once the athlete connected again", async () => {
    const athlete = h.sim.seedAthlete();
    const browser = await signIn(h, athlete.id);
    const saved = copyOf(browser);
    expect((await browser.request("/auth/strava/disconnect", { method: "POST" })).status).toBe(204);
    expect(await meStatus(saved)).toBe(401);
    await signIn(h, athlete.id);
    expect(await meStatus(saved)).toBe(401);
  });

  it("a saved cookie does not come back to life when the athlete's row is deleted and created again", async () => {
    const athlete = h.sim.seedAthlete();
    const saved = copyOf(await signIn(h, athlete.id));
    await h.sql`delete from athletes where strava_id = ${athlete.id}`; // version 0 again once recreated
    expect(await meStatus(await signIn(h, athlete.id))).toBe(200);
    expect(await meStatus(saved)).toBe(401);
  });

  it("a saved cookie of a blocked athlete gets 401, and still does after the block is lifted", async () => {
    const athlete = h.sim.seedAthlete();
    const saved = copyOf(await signIn(h, athlete.id));
    await adminSets(athlete.id, { is_blocked: true });
    expect(await meStatus(saved)).toBe(401);
    await adminSets(athlete.id, { is_blocked: false });
    expect(await meStatus(saved)).toBe(401);
  });

  it("closes the open stream of a viewer who is blocked or signs out, at the next heartbeat", async () => {
    h.config.sseHeartbeatSeconds = 1;
    const feed = await startFeedListener(h.db.url, createLog("silent"));
    h.rebuild({ feed });
    try {
      const [blocked, leaving] = [h.sim.seedAthlete(), h.sim.seedAthlete()];
      const [blockedBrowser, leavingBrowser] = [await signIn(h, blocked.id), await signIn(h, leaving.id)];
      const streams = [readSse(await blockedBrowser.request("/api/stream")), readSse(await leavingBrowser.request("/api/stream"))];
      await adminSets(blocked.id, { is_blocked: true });
      await copyOf(leavingBrowser).request("/auth/logout", { method: "POST" }); // signed out from another tab
      for (const stream of streams) expect(await stream.ended()).toBe(true);
    } finally {
      await feed.close();
    }
  });
});

describe("admin rights and cookies", () => {
  it("recomputes admin rights from ADMIN_ATHLETE_IDS at every request", async () => {
    const athlete = h.sim.seedAthlete();
    h.config.adminAthleteIds = [athlete.id];
    const browser = await signIn(h, athlete.id);
    expect((await browser.request("/api/admin/athletes")).status).toBe(200);
    expect((await (await browser.request("/api/me")).json()).is_admin).toBe(true);
    h.config.adminAthleteIds = [];
    expect((await browser.request("/api/admin/athletes")).status).toBe(403);
    expect((await (await browser.request("/api/me")).json()).is_admin).toBe(false);
  });

  it("uses __Host- cookies when PUBLIC_URL is https", async () => {
    await h.close();
    h = await startHarness({ env: { PUBLIC_URL: "https://racesync.example" } });
    const athlete = h.sim.seedAthlete();
    const browser = new Browser(h);
    const callback = await browser.request(await authorizeAt(h, browser, athlete.id)); // the state cookie went back and forth
    expect(callback.status).toBe(302);
    const session = callback.headers.getSetCookie().find((c) => c.startsWith("__Host-rs_session="));
    for (const attribute of [/; Secure/, /; Path=\/(;|$)/, /; HttpOnly/]) expect(session).toMatch(attribute);
    expect(session).not.toMatch(/Domain=/);
    expect(await meStatus(browser)).toBe(200);
    const unprefixed = new Browser(h);
    unprefixed.cookies.set("rs_session", browser.cookies.get("__Host-rs_session")!);
    expect(await meStatus(unprefixed)).toBe(401);
  });
});
