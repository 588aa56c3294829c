import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { applyActivity } from "../../src/races/store.js";
import { startService, type RunningService } from "../../src/service.js";
import { waitFor } from "../support/wait.js";
import { startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";
import { startFlakyProxy, type FlakyProxy } from "./support/proxy.js";

describe("the race board after a dropped stream", BROWSER_FLOW, () => {
  let env: BrowserStack;
  let proxy: FlakyProxy;
  let restarted: RunningService | undefined;
  beforeAll(async () => {
    env = await startBrowserStack();
    proxy = await startFlakyProxy(env.stack.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await restarted?.stop();
    await env?.stop();
  });

  /** A race stored by a worker elsewhere while the page had no stream: its notification reached no open page. */
  async function storeMissedRace(athleteId: number, name: string): Promise<number> {
    const missed = env.stack.sim.createActivity(athleteId, { workout_type: 1, sport_type: "Run", name });
    await env.stack.sim.deliveries.idle();
    await applyActivity(env.stack.otherProcess().verbDb, { ...missed, athlete: { id: athleteId } });
    return missed.id;
  }

  const row = (id: number) => `[data-testid="race-row"][data-activity-id="${id}"]`;

  it("shows a race committed after the first page loaded and before the stream listened", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page } = await env.newPage();
    let streamRequested!: () => void;
    const requested = new Promise<void>((resolve) => (streamRequested = resolve));
    let releaseStream!: () => void;
    const released = new Promise<void>((resolve) => (releaseStream = resolve));
    await page.route("**/api/stream", async (route) => {
      streamRequested();
      await released;
      await route.continue();
    });
    await page.goto("/");
    await requested; // the first page is on screen and the stream is on its way, not listening yet

    const missed = await storeMissedRace(athleteId, "Committed before the stream listened");
    releaseStream();

    await page.waitForSelector(".live-live");
    await page.waitForSelector(row(missed), { timeout: 15_000 });
    await page.context().close();
  });

  it("keeps a race streamed while the page was fetched again, when that page was read before it", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page } = await env.newPage();
    let streamRequested = false;
    page.on("request", (req) => void (streamRequested ||= req.url().endsWith("/api/stream")));
    let refetchRead!: () => void;
    const read = new Promise<void>((resolve) => (refetchRead = resolve));
    let releaseRefetch!: () => void;
    const released = new Promise<void>((resolve) => (releaseRefetch = resolve));
    let held = false;
    await page.route("**/api/races?*", async (route) => {
      // The board's list (50 a page; the charts load 200) fetches its first page again once the stream listens.
      if (held || !streamRequested || !route.request().url().includes("limit=50")) return route.continue();
      held = true;
      const stale = await route.fetch(); // read now, answered later
      refetchRead();
      await released;
      await route.fulfill({ response: stale });
    });
    await page.goto("/");
    await read;

    const race = env.stack.sim.createActivity(athleteId, { workout_type: 1, sport_type: "Run", name: "Streamed meanwhile" });
    await page.waitForSelector(row(race.id), { timeout: 15_000 }); // from the stream
    const answered = page.waitForResponse((res) => res.url().includes("/api/races?") && res.url().includes("limit=50"));
    releaseRefetch();
    await answered;
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));

    expect(await page.isVisible(row(race.id))).toBe(true);
    await page.context().close();
  });

  it("reconnects by itself after a proxy answered 502, says so meanwhile, and catches up", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page, consoleErrors } = await env.newPage({ baseURL: proxy.url });
    await page.goto("/");
    await page.waitForSelector(".live-live");

    proxy.refuseStreams(true); // a deploy: open streams drop, new ones get the proxy's 502
    proxy.dropStreams();
    await page.waitForSelector(".live-reconnecting");
    const missed = await storeMissedRace(athleteId, "Missed during the deploy");
    await waitFor(() => proxy.refused() >= 2, "the browser to be refused twice"); // EventSource gives up on a 502: racesync retries
    expect(await page.textContent(".live")).toContain("Reconnecting");
    proxy.refuseStreams(false);

    await page.waitForSelector(".live-live", { timeout: 15_000 });
    await page.waitForSelector(row(missed), { timeout: 15_000 });
    expect(await page.textContent(row(missed))).toContain("Missed during the deploy");
    // Chromium logs the refused requests and the cut stream; nothing else.
    expect(consoleErrors.filter((e) => !/status of 502|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|api\/stream/.test(e))).toEqual([]);
    await page.context().close();
  });

  it("catches up on the races it missed while the server was away", async () => {
    const athleteId = await env.stack.connect({ history: 0 });
    const { page, consoleErrors } = await env.newPage();
    await page.goto("/");
    await page.waitForSelector(".live-live");

    await env.stack.service.stop(); // the stream drops; the browser keeps retrying
    await page.waitForSelector(".live-reconnecting");
    const missed = await storeMissedRace(athleteId, "Missed 10K");
    restarted = await startService({ role: "web", config: env.stack.config, log: createLog("silent") });

    await page.waitForSelector(row(missed), { timeout: 15_000 });
    expect(await page.textContent(row(missed))).toContain("Missed 10K");
    // While the server was away Chromium logged its failed reconnects; nothing else.
    expect(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});
