import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait.js";
import { connectThroughStrava, screenshot, startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";

const ADMIN_ID = 7_000_001;
const BIG_HISTORY = 2_000; // ten pages of 200
const API_LATENCY_MS = 500; // keeps the full refresh running long enough to be stopped mid-way

describe("admin pages", BROWSER_FLOW, () => {
  let env: BrowserStack;
  beforeAll(async () => {
    env = await startBrowserStack({ env: { ADMIN_ATHLETE_IDS: String(ADMIN_ID) } });
    env.stack.sim.seedAthlete({ id: ADMIN_ID, firstname: "Ada", lastname: "Admin" });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const latestRun = async (athleteId: number, kind: string) => {
    const [run] = await env.stack.sql<{ id: number; status: string }[]>`
      select id::int, status from sync_runs where athlete_id = ${athleteId} and kind = ${kind} order by id desc limit 1`;
    return run;
  };

  it("lets an admin stop a running full refresh from the sync monitor", async () => {
    const target = await env.stack.connect({ history: BIG_HISTORY, firstname: "Kenenisa" });
    await waitFor(async () => (await latestRun(target, "backfill"))?.status === "succeeded", "the backfill to finish");
    env.stack.sim.faults.apiLatency(API_LATENCY_MS);
    const { page, consoleErrors } = await env.newPage();
    await connectThroughStrava(page, env.stack, ADMIN_ID);
    await page.click('[data-testid="admin-nav"]');
    const athleteRow = `[data-testid="admin-athlete-row"][data-athlete-id="${target}"]`;
    await page.waitForSelector(athleteRow);

    await page.click(`${athleteRow} button:has-text("Full refresh")`);
    await page.click('[data-testid="confirm-ok"]');
    const run = await waitFor(() => latestRun(target, "full"), "the full refresh run");
    const runRow = `[data-testid="sync-run-row"][data-run-id="${run.id}"]`;
    await page.waitForSelector(`${runRow}[data-status="running"]`);
    await screenshot(page, "admin");

    await page.click(`${runRow} [data-testid="stop-run"]`);
    await page.waitForSelector(`${runRow}[data-status="cancelled"]`, { timeout: 15_000 });
    const [stored] = await env.stack.sql<{ status: string; pages: number }[]>`select status, pages from sync_runs where id = ${run.id}`;
    expect(stored?.status).toBe("cancelled");
    expect(stored!.pages).toBeLessThan(BIG_HISTORY / 200);
    expect(consoleErrors).toEqual([]);
    env.stack.sim.faults.apiLatency(0);
  });

  it("shows a member no admin pages and the admin API refuses them", async () => {
    const member = env.stack.sim.seedAthlete({ firstname: "Mo", lastname: "Member" });
    const { page, consoleErrors } = await env.newPage();
    await connectThroughStrava(page, env.stack, member.id);

    expect(await page.$('[data-testid="admin-nav"]')).toBeNull();
    await page.goto("/admin");
    await page.waitForSelector('[data-testid="admins-only"]');
    expect(await page.$('[data-testid="admin-athletes"]')).toBeNull();
    expect(consoleErrors).toEqual([]); // the page itself asked nothing of the admin API
    const statuses = await page.evaluate(async () => {
      const paths = ["/api/admin/athletes", "/api/admin/sync-runs", "/api/admin/queue"];
      return Promise.all(paths.map(async (p) => (await fetch(p)).status));
    });
    expect(statuses).toEqual([403, 403, 403]);
    const stop = await page.evaluate(async (id) => (await fetch(`/api/admin/athletes/${id}/sync/stop`, { method: "POST" })).status, member.id);
    expect(stop).toBe(403);
  });
});
