/**
 * Real-time benchmark: Strava event → race on an open dashboard, and Strava API calls per event
 * (every athlete API call counts: fetches, and the confirmation of each delete with Strava).
 * The simulator delivers real webhooks to racesync (web + worker); a dashboard client listens on
 * GET /api/stream. Latency runs from the moment the activity is saved on (simulated) Strava to
 * the race.upserted message reaching the client.
 *
 *   npx tsx scripts/bench/realtime.ts [--events 200]
 */
import { parseArgs } from "node:util";
import { EventSource } from "undici";
import { startStack } from "../../test/support/stack-core.js";
import { waitFor } from "../../test/support/wait.js";
import { benchDatabase } from "./lib/postgres.js";
import { ms, printTable, summarize } from "./lib/stats.js";

const { values } = parseArgs({ options: { events: { type: "string", default: "200" } } });
const EVENTS = Number(values.events);
const BURSTS = 20;
const BURST_SIZE = 5;
const DEBOUNCE_MS = 1000;
const DELETES = 20;
/** The athlete API endpoints webhook work may call (the simulator counts each). */
const ATHLETE_API = ["GET /activities/:id", "GET /athlete", "GET /athlete/activities"];

const pg = await benchDatabase();
// Limits of an app with extended access, so the budget is not what is measured here.
const limits = { overall15: 20_000, overallDay: 200_000, read15: 10_000, readDay: 100_000 };
const stack = await startStack(pg.url, { env: { ACTIVITY_SYNC_DEBOUNCE_MS: String(DEBOUNCE_MS) }, sim: { webhookRetryDelayMs: 1000, limits } });
try {
  const athletes = await Promise.all(Array.from({ length: 10 }, () => stack.connect({ backfill: false })));
  // A backfill a worker picked before connect() removed it would add its list call to the first figure.
  await waitFor(async () => (await stack.sql`select 1 from graphile_worker.jobs where task_identifier = 'athlete-backfill'`).length === 0, "no backfill running");
  const dashboard = await openDashboard(stack.url);
  const calls = () => ATHLETE_API.reduce((sum, endpoint) => sum + stack.sim.counters.requests(endpoint), 0);

  const before = calls();
  const latencies: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const athleteId = athletes[i % athletes.length]!;
    const started = performance.now();
    const arrived = dashboard.next();
    const race = stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await arrived.then(function wait(id): Promise<number> | number {
      return id === race.id ? id : dashboard.next().then(wait);
    });
    latencies.push(performance.now() - started);
    ids.push(race.id);
  }
  await stack.settle(60_000);
  const single = calls() - before;

  const beforeBursts = calls();
  for (const id of ids.slice(0, BURSTS)) for (let i = 0; i < BURST_SIZE; i++) stack.sim.updateActivity(id, { name: `Edited ${i}` });
  await stack.settle(60_000);
  const bursts = calls() - beforeBursts;

  const beforeDeletes = calls();
  for (const id of ids.slice(0, DELETES)) stack.sim.deleteActivity(id);
  await stack.settle(60_000);
  const deletes = calls() - beforeDeletes;
  dashboard.close();

  const s = summarize(latencies);
  printTable(`Event → race on an open dashboard (${EVENTS} new races, one at a time)`, [
    { p50: ms(s.p50), p95: ms(s.p95), p99: ms(s.p99), max: ms(s.max), goal: "p50 < 150 ms, p95 < 1 s" },
  ]);
  printTable("Strava API calls per webhook event", [
    { scenario: `${EVENTS} single create events`, events: EVENTS, "API calls": single, "calls/event": (single / EVENTS).toFixed(2), goal: "≤ 1" },
    { scenario: `${BURSTS} bursts of ${BURST_SIZE} title edits`, events: BURSTS * BURST_SIZE, "API calls": bursts, "calls/event": (bursts / (BURSTS * BURST_SIZE)).toFixed(2), goal: "≤ 0.2" },
    { scenario: `${DELETES} deletes, each confirmed with Strava`, events: DELETES, "API calls": deletes, "calls/event": (deletes / DELETES).toFixed(2), goal: "≤ 1" },
  ]);
} finally {
  await stack.stop();
  await pg.stop();
}

/** A dashboard: the SSE stream, yielding the activity id of each race.upserted in order. */
async function openDashboard(url: string): Promise<{ next(): Promise<number>; close(): void }> {
  const source = new EventSource(`${url}/api/stream`);
  const queue: number[] = [];
  const waiting: Array<(id: number) => void> = [];
  source.addEventListener("race.upserted", (e) => {
    const id = (JSON.parse((e as MessageEvent).data) as { strava_activity_id: number }).strava_activity_id;
    const resolve = waiting.shift();
    if (resolve) resolve(id);
    else queue.push(id);
  });
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = () => reject(new Error("the dashboard stream did not open"));
  });
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))),
    close: () => source.close(),
  };
}
