import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/signing.js";
import { decryptToken, tokenKeys } from "../../src/strava/token-crypto.js";
import { PUBLIC_URL, startHarness, type Harness } from "../support/harness.js";
import { authorizeAt, Browser, signIn } from "../support/sign-in.js";

let h: Harness;
let adminId: number;
beforeEach(async () => {
  adminId = 9_100_001;
  h = await startHarness({ env: { ADMIN_ATHLETE_IDS: String(adminId) } });
});
afterEach(() => h.close());

const athleteCount = async () => (await h.sql`select count(*)::int as n from athletes`)[0]!.n as number;
const html = { accept: "text/html" };

describe("connecting with Strava", () => {
  it("redirects to Strava's authorize page with a signed state and a state cookie", async () => {
    const res = await new Browser(h).request("/auth/strava/login");
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get("location")!);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.simUrl}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: String(h.sim.clientId), redirect_uri: `${PUBLIC_URL}/auth/strava/callback`,
      response_type: "code", approval_prompt: "auto", scope: "read,activity:read_all",
    });
    expect(url.searchParams.get("state")).toMatch(/^[\w-]+\.[\w-]+$/);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("rs_oauth_state="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("signs in an admin athlete through the whole dance and queues the backfill", async () => {
    const athlete = h.sim.seedAthlete({ id: adminId, firstname: "Ada", lastname: "Okafor" });
    const browser = new Browser(h);
    const res = await browser.request(await authorizeAt(h, browser, athlete.id));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const session = res.headers.getSetCookie().find((c) => c.startsWith("rs_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);

    const me = await (await browser.request("/api/me")).json();
    expect(me).toMatchObject({
      strava_id: adminId, firstname: "Ada", lastname: "Okafor", is_admin: true, is_hidden: false, share_on_board: null,
      status: "active", scopes: ["read", "activity:read_all"], sync: { kind: "backfill", status: "queued" },
    });
    const jobs = await h.sql`select key from graphile_worker.jobs where task_identifier = 'athlete-backfill'`;
    expect(jobs.map((j) => j.key)).toEqual([`backfill:${adminId}`]);
  });

  it("stores tokens encrypted: a select * dump holds no plaintext token", async () => {
    const athlete = h.sim.seedAthlete();
    await signIn(h, athlete.id);
    const [row] = await h.sql`select access_token_enc, refresh_token_enc from athletes`;
    const keys = tokenKeys(h.config);
    const slot = (field: "access" | "refresh") => ({ athleteId: athlete.id, field });
    const plaintexts = [decryptToken(keys, row!.access_token_enc, slot("access")), decryptToken(keys, row!.refresh_token_enc, slot("refresh"))];
    const dump = JSON.stringify(await h.sql`select * from athletes`);
    for (const token of plaintexts) {
      expect(token).toMatch(/^[0-9a-f]{40}$/);
      expect(dump).not.toContain(token);
    }
  });

  it("marks an athlete not listed in ADMIN_ATHLETE_IDS as a member", async () => {
    const browser = await signIn(h, h.sim.seedAthlete().id);
    expect((await (await browser.request("/api/me")).json()).is_admin).toBe(false);
  });

  it("reconnecting clears needs_reauth and keeps the athlete signed in", async () => {
    const athlete = h.sim.seedAthlete();
    await signIn(h, athlete.id);
    await h.sql`update athletes set status = 'needs_reauth' where strava_id = ${athlete.id}`;
    const browser = await signIn(h, athlete.id);
    expect((await (await browser.request("/api/me")).json()).status).toBe("active");
  });
});

describe("refusing a callback", () => {
  async function callbackWith(mutate: (url: URL, browser: Browser) => void) {
    const athlete = h.sim.seedAthlete();
    const browser = new Browser(h);
    const url = new URL(await authorizeAt(h, browser, athlete.id), PUBLIC_URL);
    mutate(url, browser);
    return browser.request(`${url.pathname}${url.search}`);
  }

  it("refuses a forged state and stores nothing", async () => {
    const res = await callbackWith((url) => {
      const forged = signToken("x".repeat(48), { n: "nonce", exp: Math.floor(Date.now() / 1000) + 600 });
      url.searchParams.set("state", forged);
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("VALIDATION");
    expect(await athleteCount()).toBe(0);
  });

  it("refuses a missing state and stores nothing", async () => {
    const res = await callbackWith((url) => url.searchParams.delete("state"));
    expect(res.status).toBe(400);
    expect(await athleteCount()).toBe(0);
  });

  it("refuses an expired state and stores nothing", async () => {
    const res = await callbackWith((url, browser) => {
      const nonce = browser.cookies.get("rs_oauth_state")!;
      url.searchParams.set("state", signToken("s".repeat(48), { n: nonce, exp: Math.floor(Date.now() / 1000) - 1 }));
    });
    expect(res.status).toBe(400);
    expect(await athleteCount()).toBe(0);
  });

  it("refuses a valid state opened in another browser (no matching cookie)", async () => {
    const res = await callbackWith((_url, browser) => browser.cookies.delete("rs_oauth_state"));
    expect(res.status).toBe(400);
    expect(await athleteCount()).toBe(0);
  });

  it("shows a friendly page when the athlete declines on Strava", async () => {
    h.sim.oauth.deny = true;
    const browser = new Browser(h);
    const login = await browser.request("/auth/strava/login");
    const denied = new URL((await fetch(login.headers.get("location")!, { redirect: "manual" })).headers.get("location")!);
    const res = await browser.request(`${denied.pathname}${denied.search}`, { headers: html });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("You did not connect Strava");
    expect(page).toContain('href="/auth/strava/login"');
    expect(await athleteCount()).toBe(0);
  });

  it("explains which permission to tick when activity access was not granted", async () => {
    h.sim.oauth.acceptedScopes = "read";
    const athlete = h.sim.seedAthlete();
    const browser = new Browser(h);
    const res = await browser.request(await authorizeAt(h, browser, athlete.id), { headers: html });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("View data about your activities");
    expect(await athleteCount()).toBe(0);
    expect(browser.cookies.has("rs_session")).toBe(false);
  });
});
