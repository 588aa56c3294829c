import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughStrava, screenshot, startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";

const ADMIN_ID = 7_100_001;

/** The main pages and what shows that each one finished rendering for a signed-in admin. */
const PAGES = [
  { path: "/", ready: '[data-testid="race-row"]', shot: "races" },
  { path: "/me", ready: '[data-testid="backfill-progress"][data-status="succeeded"]', shot: "me-admin" },
  { path: "/admin", ready: '[data-testid="sync-run-row"]', shot: "admin-overview" },
];

describe("main pages on a members-only board", BROWSER_FLOW, () => {
  let env: BrowserStack;
  beforeAll(async () => {
    env = await startBrowserStack({ env: { ADMIN_ATHLETE_IDS: String(ADMIN_ID), DASHBOARD_VISIBILITY: "members" } });
    const admin = env.stack.sim.seedAthlete({ id: ADMIN_ID, firstname: "Ada", lastname: "Admin" });
    env.stack.sim.seedHistory(admin.id, { count: 40, raceShare: 0.5 });
    await env.stack.connect({ history: 60, raceShare: 0.3, firstname: "Brigid" });
  });
  afterAll(async () => {
    await env?.stop();
  });

  // The page cannot know the board is members-only before /api/races answers 401 (see the report).
  it("asks a signed-out visitor to connect on every page, logging nothing but the expected 401s", async () => {
    const { page, consoleErrors } = await env.newPage({ expected401: ["/api/me", "/api/races"] });
    await page.goto("/");
    await page.waitForSelector('[data-testid="members-only"] [data-testid="connect-strava"]');
    await page.goto("/me");
    await page.waitForSelector('[data-testid="connect-strava"]');
    await page.goto("/admin");
    await page.waitForSelector('[data-testid="admins-only"]');

    expect(await page.$('[data-testid="race-row"]')).toBeNull();
    expect(consoleErrors).toEqual([]);
  });

  it("renders races, me and admin for a signed-in admin without a console error", async () => {
    const { page, consoleErrors } = await env.newPage();
    await connectThroughStrava(page, env.stack, ADMIN_ID);
    for (const p of PAGES) {
      await page.goto(p.path);
      await page.waitForSelector(p.ready, { timeout: 20_000 });
      await screenshot(page, p.shot);
    }
    expect(consoleErrors).toEqual([]);
  });
});
