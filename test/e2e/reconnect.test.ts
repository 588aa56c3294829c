import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { applyActivity } from "../../src/races/store.js";
import { startService, type RunningService } from "../../src/server.js";
import { startBrowserStack, type BrowserStack } from "./support/browser.js";

describe("the race board after a dropped stream", () => {
  let env: BrowserStack;
  let restarted: RunningService | undefined;
  beforeAll(async () => {
    env = await startBrowserStack();
  });
  afterAll(async () => {
    await restarted?.stop();
    await env?.stop();
  });

  it("catches up on the races it missed while the server was away", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page, consoleErrors } = await env.newPage();
    await page.goto("/");
    await page.waitForSelector(".live-live");

    await env.stack.service.stop(); // the stream drops; the browser keeps retrying
    await page.waitForSelector(".live-connecting");
    // A race stored meanwhile (by a worker elsewhere): its notification reached no open page.
    const missed = env.stack.sim.createActivity(athleteId, { workout_type: 1, sport_type: "Run", name: "Missed 10K" });
    await env.stack.sim.deliveries.idle();
    await applyActivity(env.stack.db.sql, { ...missed, athlete: { id: athleteId } });
    restarted = await startService({ role: "web", config: env.stack.config, log: createLog("silent") });

    await page.waitForSelector(`[data-testid="race-row"][data-activity-id="${missed.id}"]`, { timeout: 15_000 });
    expect(await page.textContent(`[data-testid="race-row"][data-activity-id="${missed.id}"]`)).toContain("Missed 10K");
    // While the server was away Chromium logged its failed reconnects; nothing else.
    expect(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});
