import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughStrava, PHONE, screenshot, startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";

const LIVE = ".live-live"; // the header's "Live" indicator: the page's event stream is open

describe("the race board", BROWSER_FLOW, () => {
  let env: BrowserStack;
  beforeAll(async () => {
    env = await startBrowserStack();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("shows a race created on Strava within two seconds, without a reload", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page, consoleErrors } = await env.newPage();
    await page.goto("/");
    await page.waitForSelector(LIVE);

    const race = env.stack.sim.createActivity(athleteId, { workout_type: 1, sport_type: "Run", name: "Parkrun PB" });
    await page.waitForSelector(`[data-testid="race-row"][data-activity-id="${race.id}"]`, { timeout: 2_000 });

    expect(await page.textContent(`[data-testid="race-row"][data-activity-id="${race.id}"]`)).toContain("Parkrun PB");
    expect(consoleErrors).toEqual([]);
  });

  it("keeps an edited event name after a reload", async () => {
    const athlete = env.stack.sim.seedAthlete({ firstname: "Eliud", lastname: "Kipchoge" });
    const [race] = env.stack.sim.seedHistory(athlete.id, { count: 3, raceShare: 1 });
    const { page } = await env.newPage();
    await connectThroughStrava(page, env.stack, athlete.id);
    await page.goto("/me");
    const row = `[data-testid="race-row"][data-activity-id="${race!.id}"]`;
    await page.waitForSelector(row);

    await page.click(`${row} [data-testid="event-name-edit"]`);
    await page.fill(`${row} [data-testid="event-name-input"]`, "Berlin Marathon 2026");
    const saved = page.waitForResponse((res) => res.url().endsWith(`/api/races/${race!.id}`) && res.request().method() === "PATCH");
    await page.press(`${row} [data-testid="event-name-input"]`, "Enter");
    await page.waitForSelector(`${row} :text("Berlin Marathon 2026")`);
    expect((await saved).status()).toBe(200);

    await page.reload();
    await page.waitForSelector(`${row} :text("Berlin Marathon 2026")`);
    const [stored] = await env.stack.sql<{ event_name: string }[]>`
      select event_name from races where strava_activity_id = ${race!.id}`;
    expect(stored?.event_name).toBe("Berlin Marathon 2026");
  });

  it("fits a phone screen without the page scrolling sideways", async () => {
    await env.stack.connect({ history: 30, raceShare: 0.5, firstname: "Faith" });
    const { page, consoleErrors } = await env.newPage({ viewport: PHONE });
    await page.goto("/");
    await page.waitForSelector('[data-testid="race-row"]');

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(page, "phone-races", { fullPage: false });
    await page.evaluate(() => document.querySelector('[data-testid="race-row"]')?.scrollIntoView());
    await screenshot(page, "phone-races-list", { fullPage: false });
    expect(consoleErrors).toEqual([]);
  });
});
