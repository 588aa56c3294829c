import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughStrava, screenshot, startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";

const HISTORY = 600; // three pages of 200: the import takes several steps
const API_LATENCY_MS = 300; // each Strava call takes a while, so the bar is seen moving

/** Every aria-valuenow the progress bar takes, recorded inside the page as it changes. */
const RECORD_PROGRESS = () => {
  const seen: string[] = [];
  (window as unknown as { progressSeen: string[] }).progressSeen = seen;
  new MutationObserver(() => {
    const value = document.querySelector('[data-testid="backfill-progress"]')?.getAttribute("aria-valuenow");
    if (value != null && seen[seen.length - 1] !== value) seen.push(value);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"] });
};

describe("connecting with Strava from the dashboard", BROWSER_FLOW, () => {
  let env: BrowserStack;
  beforeAll(async () => {
    env = await startBrowserStack();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("signs the athlete in, shows the history import progressing, and lists the races it finds", async () => {
    const { sim } = env.stack;
    const athlete = sim.seedAthlete({ firstname: "Paula", lastname: "Radcliffe" });
    sim.seedHistory(athlete.id, { count: HISTORY, raceShare: 0.2 });
    const races = [...sim.racesOf(athlete.id)].sort((a, b) => Date.parse(b.start_date) - Date.parse(a.start_date));
    sim.faults.apiLatency(API_LATENCY_MS);
    const { page, consoleErrors } = await env.newPage();
    await page.addInitScript(RECORD_PROGRESS);

    await connectThroughStrava(page, env.stack, athlete.id);
    await page.click('nav a[href="/me"]');
    await page.waitForSelector('h1:has-text("Paula Radcliffe")');
    await page.waitForSelector('[data-testid="backfill-progress"][data-status="succeeded"]', { timeout: 75_000 });

    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen.map(Number));
    expect(seen.at(-1)).toBe(100);
    expect(new Set(seen).size).toBeGreaterThan(1); // it moved, not jumped straight to done
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // and never went backwards
    // The newest race arrived live on the open page, without a reload.
    await page.waitForSelector(`[data-testid="race-row"][data-activity-id="${races[0]!.id}"]`);

    await page.reload();
    await page.waitForSelector('[data-testid="race-row"]');
    const shown = await page.$$eval('[data-testid="race-row"]', (rows) => rows.map((r) => Number(r.getAttribute("data-activity-id"))));
    expect(shown).toEqual(races.slice(0, 50).map((r) => r.id));
    await screenshot(page, "me");
    expect(consoleErrors).toEqual([]);
  });
});
