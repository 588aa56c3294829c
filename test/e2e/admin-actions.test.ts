import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait.js";
import { connectThroughStrava, screenshot, startBrowserStack, type BrowserStack, BROWSER_FLOW } from "./support/browser.js";

const ADMIN_ID = 7_100_001;

/** Every admin action of the admin page, end to end: the browser, the API, the worker and Strava (the simulator). */
describe("admin actions", BROWSER_FLOW, () => {
  let env: BrowserStack;
  let page: Page;
  let consoleErrors: string[];
  let target: number;
  const races = { renamed: 0, gone: 0, added: 0 };

  const raceRow = async (activityId: number) => {
    const [row] = await env.stack.sql<{ name: string; event_name: string | null }[]>`
      select name, event_name from races where strava_activity_id = ${activityId} and removed_at is null`;
    return row;
  };
  const athleteRow = () => `[data-testid="admin-athlete-row"][data-athlete-id="${target}"]`;

  beforeAll(async () => {
    env = await startBrowserStack({ env: { ADMIN_ATHLETE_IDS: String(ADMIN_ID) } });
    const { sim, sql } = env.stack;
    sim.seedAthlete({ id: ADMIN_ID, firstname: "Ada", lastname: "Admin" });
    target = await env.stack.connect({ history: 30, firstname: "Paula" });
    await waitFor(async () => (await sql`select 1 from sync_runs where athlete_id = ${target} and kind = 'backfill' and status = 'succeeded'`).length > 0, "the backfill");
    // Two races racesync learns of by webhook, then changes it never hears of.
    const [renamed, gone] = [sim.createActivity(target, { sport_type: "Run", workout_type: 1, name: "Parkrun" }), sim.createActivity(target, { sport_type: "Run", workout_type: 1, name: "Club 10K" })];
    await waitFor(async () => (await raceRow(renamed.id)) && (await raceRow(gone.id)), "the two races to arrive by webhook");
    sim.faults.dropEvents(1);
    sim.updateActivity(renamed.id, { name: "Parkrun (PB!)" });
    sim.deleteActivity(gone.id);
    const added = sim.createActivity(target, { sport_type: "Run", workout_type: 1, name: "Night Half" });
    await sim.deliveries.idle();
    sim.faults.dropEvents(0);
    Object.assign(races, { renamed: renamed.id, gone: gone.id, added: added.id });

    ({ page, consoleErrors } = await env.newPage());
    await connectThroughStrava(page, env.stack, ADMIN_ID);
    await page.click('[data-testid="admin-nav"]');
    await page.waitForSelector(athleteRow());
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("runs a dry-run reconcile and shows what it would add, update and remove, changing nothing", async () => {
    await page.click(`${athleteRow()} button:has-text("Dry run")`);
    const report = '[data-testid="sync-run-detail"] [data-testid="run-report"]';
    await page.waitForSelector(report, { timeout: 30_000 });
    expect(await page.$$eval(`${report} [data-testid="report-add"] li`, (lis) => lis.map((li) => li.getAttribute("data-activity-id")))).toEqual([String(races.added)]);
    expect(await page.textContent(`${report} [data-testid="report-update"]`)).toContain("Parkrun");
    expect(await page.textContent(`${report} [data-testid="report-remove"] li[data-activity-id="${races.gone}"]`)).toContain("Club 10K: gone from Strava");
    await screenshot(page, "admin-dry-run");

    const [run] = await env.stack.sql`select dry_run, status from sync_runs where athlete_id = ${target} and kind = 'reconcile' order by id desc limit 1`;
    expect(run).toEqual({ dry_run: true, status: "succeeded" });
    expect(await raceRow(races.renamed)).toEqual({ name: "Parkrun", event_name: null });
    expect(await raceRow(races.gone)).toBeDefined();
    expect(await raceRow(races.added)).toBeUndefined();
  });

  it("shows how many activities each athlete's runs have checked", async () => {
    const [sum] = await env.stack.sql<{ checked: number }[]>`
      select sum(activities_seen)::int as checked from sync_runs where athlete_id = ${target}`;
    const checked = sum!.checked;
    expect(checked).toBeGreaterThanOrEqual(30);
    await waitFor(async () => (await page.textContent(`${athleteRow()} [data-testid="activities-checked"]`)) === String(checked), "the table's activities checked");
  });

  it("lists a job that failed for good and retries it", async () => {
    const [job] = await env.stack.sql<{ id: number }[]>`
      select id::int from graphile_worker.add_job('maintenance', '{}'::json, run_at => now() + interval '1 hour', max_attempts => 3)`;
    const id = job!.id;
    await env.stack.sql`update graphile_worker._private_jobs set attempts = 3, last_error = 'Error: disk full' where id = ${id}`;
    const row = `[data-testid="failed-job-row"][data-job-id="${id}"]`;
    await page.waitForSelector(row, { timeout: 15_000 });
    expect(await page.textContent(row)).toContain("disk full");

    await page.click(`${row} button:has-text("Retry")`);
    await page.waitForSelector(row, { state: "detached" });
    await waitFor(async () => (await env.stack.sql`select 1 from graphile_worker._private_jobs where id = ${id}`).length === 0, "the retried job to run");
  });

  it("replays a webhook event whose work failed", async () => {
    const [event] = await env.stack.sql<{ id: number }[]>`
      update webhook_events set outcome = 'failed', error = 'Strava answered 500'
      where id = (select max(id) from webhook_events where object_id = ${races.renamed}) returning id::int`;
    const row = `[data-testid="webhook-event-row"][data-event-id="${event!.id}"]`;
    await page.waitForSelector(`${row}[data-outcome="failed"]`, { timeout: 15_000 });

    await page.click(`${row} button:has-text("Replay")`);
    await page.waitForSelector(`${row}[data-outcome="queued"]`);
    await waitFor(async () => {
      const [e] = await env.stack.sql<{ outcome: string }[]>`select outcome from webhook_events where id = ${event!.id}`;
      return e!.outcome !== "queued" && e!.outcome !== "failed";
    }, "the replayed event's job to run");
    // The replay fetched the activity again: the rename racesync never heard of is in.
    await waitFor(async () => (await raceRow(races.renamed))?.name === "Parkrun (PB!)", "the replayed sync");
  });

  it("names the event of another athlete's race on the board", async () => {
    await page.goto("/");
    const row = `[data-testid="race-row"][data-activity-id="${races.renamed}"]`;
    await page.click(`${row} [data-testid="event-name-edit"]`);
    await page.fill(`${row} [data-testid="event-name-input"]`, "Bushy Park parkrun");
    await page.press(`${row} [data-testid="event-name-input"]`, "Enter");
    await waitFor(async () => (await raceRow(races.renamed))?.event_name === "Bushy Park parkrun", "the event name to be stored");
    expect(await page.textContent(row)).toContain("Bushy Park parkrun");
    expect(consoleErrors).toEqual([]);
  });
});
