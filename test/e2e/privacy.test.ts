import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RaceExport } from "../../src/contract/races.js";
import { connectThroughStrava, screenshot, startBrowserStack, type BrowserStack } from "./support/browser.js";

describe("privacy on the dashboard", () => {
  let env: BrowserStack;
  beforeAll(async () => {
    env = await startBrowserStack();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("asks a newly connected athlete once whether to show their races, locks their private races, and downloads their data", async () => {
    const { sim, sql } = env.stack;
    const athlete = sim.seedAthlete({ firstname: "Tegla", lastname: "Loroupe" });
    const [secret, open] = sim.seedHistory(athlete.id, { count: 2, raceShare: 1 });
    sim.updateActivity(secret!.id, { visibility: "only_me" }); // set before racesync hears of the athlete
    const { page, consoleErrors } = await env.newPage();

    await connectThroughStrava(page, env.stack, athlete.id);
    await page.waitForSelector('[data-testid="consent-card"]');
    expect(await page.textContent('[data-testid="consent-card"]')).toContain("Everyone");
    await screenshot(page, "consent-card", { fullPage: false });
    await page.click('[data-testid="consent-yes"]');
    await page.waitForSelector('[data-testid="consent-card"]', { state: "detached" });
    const [row] = await sql<{ share_on_board: boolean }[]>`select share_on_board from athletes where strava_id = ${athlete.id}`;
    expect(row?.share_on_board).toBe(true);
    await page.reload();
    await page.waitForSelector(".avatar-link");
    expect(await page.$('[data-testid="consent-card"]')).toBeNull(); // asked once

    await page.goto("/me");
    const secretRow = `[data-testid="race-row"][data-activity-id="${secret!.id}"]`;
    const openRow = `[data-testid="race-row"][data-activity-id="${open!.id}"]`;
    await page.waitForSelector(`${secretRow} [data-testid="private-lock"]`, { timeout: 20_000 });
    await page.waitForSelector(openRow);
    expect(await page.$(`${openRow} [data-testid="private-lock"]`)).toBeNull();
    await screenshot(page, "me-private-race");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-data"]')]);
    expect(download.suggestedFilename()).toBe(`racesync-races-${athlete.id}.json`);
    const exported = JSON.parse(await readFile((await download.path())!, "utf8")) as RaceExport;
    expect(exported.races.map((r) => r.strava_activity_id).sort()).toEqual([secret!.id, open!.id].sort());
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
