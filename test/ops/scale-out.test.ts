import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { connectSimAthlete } from "../support/connect.js";
import type { TestContext } from "../support/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { simulatorEnv } from "../support/sim-env.js";
import { startSim, type RunningSim } from "../support/simulator.js";
import { waitFor } from "../support/wait.js";
import { webhookUrl } from "../support/webhook-url.js";
import { startProcess, stopProcess, type RacesyncProcess } from "./processes.js";
import { parsePrometheus, valueOf } from "./prometheus.js";

let simulator: RunningSim;
let sim: Simulator;
let db: TestDatabase;
let racesync: TestContext;
let env: Record<string, string>;
let web: RacesyncProcess;
const workers: RacesyncProcess[] = [];
const athletes: number[] = [];

const DEAD_AFTER_S = 2;

beforeAll(async () => {
  simulator = await startSim({ webhookRetryDelayMs: 50 });
  sim = simulator.sim;
  db = await createTestDatabase();
  env = {
    DATABASE_URL: db.url,
    ...simulatorEnv(sim, simulator.url),
    ACTIVITY_SYNC_DEBOUNCE_MS: "0",
    WORKER_DEAD_AFTER_S: String(DEAD_AFTER_S),
    LOG_LEVEL: "warn",
  };
  racesync = db.context({ env: { ...env, LOG_LEVEL: "silent" } });
  const started = await Promise.all([startProcess("web", env), startProcess("worker", env), startProcess("worker", env)]);
  web = started[0]!;
  workers.push(...started.slice(1));
  await subscribe(await webhookUrl(racesync.verbDb, web.url));
  for (let i = 0; i < 3; i++) athletes.push((await connectSimAthlete(racesync.ctx, sim)).athleteId);
  await waitFor(async () => (await db.sql`select 1 from athletes where backfill_completed_at is null`).length === 0, "the backfills");
}, 90_000);

afterAll(async () => {
  await Promise.all([web, ...workers].filter(Boolean).map(stopProcess));
  await simulator.close();
  await db.destroy();
});

async function subscribe(callbackUrl: string): Promise<void> {
  const res = await simulator.form("/api/v3/push_subscriptions", {
    client_id: sim.clientId, client_secret: sim.clientSecret, callback_url: callbackUrl, verify_token: env.STRAVA_VERIFY_TOKEN!,
  });
  const { id } = (await res.json()) as { id: number };
  await db.sql`insert into settings (key, value) values ('strava_subscription_id', ${String(id)})`;
}

const raceCount = async (ids: number[]) => (await db.sql<{ n: number }[]>`select count(*)::int as n from races where strava_activity_id = any(${ids}::bigint[])`)[0]!.n;
const createRaces = (n: number) => Array.from({ length: n }, (_, i) => sim.createActivity(athletes[i % athletes.length]!, { sport_type: "Run", workout_type: 1 }).id);

/** The worker process holding an activity's job, found through its heartbeat row. */
async function holderOf(activityId: number): Promise<RacesyncProcess | undefined> {
  const [row] = await db.sql<{ pid: number }[]>`
    select h.pid from graphile_worker._private_jobs j join worker_heartbeats h on h.worker_id = j.locked_by
    where j.key = ${`activity:${activityId}`}`;
  return workers.find((w) => w.pid === row?.pid);
}

describe("two workers and one web process on one database", () => {
  it("process N webhook events exactly once each, within the budget", async () => {
    sim.counters.reset();
    const ids = createRaces(30);
    await waitFor(async () => (await raceCount(ids)) === 30, "30 races", 60_000);
    await sim.deliveries.idle();
    expect(sim.counters.requests("GET /activities/:id")).toBe(30);
    expect(sim.counters.rateLimited()).toBe(0);
    // Each event's outcome is recorded just after its race is written.
    const outcomes = () => db.sql`select outcome, count(*)::int as n from webhook_events where object_id = any(${ids}::bigint[]) group by outcome`;
    await waitFor(async () => (await outcomes()).every((o) => o.outcome !== "queued"), "every event's outcome");
    expect(await outcomes()).toEqual([{ outcome: "synced", n: 30 }]);

    // A job counts as succeeded once Graphile Worker completes it, a moment after its outcome is written.
    const succeeded = async () => {
      const scraped = await Promise.all(workers.map(async (w) => parsePrometheus(await (await fetch(`${w.url}/metrics`)).text())));
      return scraped.reduce((sum, s) => sum + valueOf(s, "racesync_jobs_succeeded_total", { task: "activity-sync" }), 0);
    };
    await waitFor(async () => (await succeeded()) >= 30, "30 completed jobs");
    expect(await succeeded()).toBe(30);
  }, 90_000);

  it("a worker killed with SIGKILL mid-job: the other worker finishes the job", async () => {
    sim.faults.apiLatency(3000);
    const [id] = createRaces(1);
    const victim = await waitFor(() => holderOf(id!), "a worker to take the job");
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    sim.faults.apiLatency(0);

    await waitFor(async () => (await raceCount([id!])) === 1, "the race, from the surviving worker", 30_000);
    // The surviving worker completes the job (deletes it) just after the race is written.
    const jobLeft = async () => (await db.sql`select 1 from graphile_worker.jobs where key = ${`activity:${id}`}`).length > 0;
    await waitFor(async () => !(await jobLeft()), "the job to be completed", 10_000);
    workers.splice(workers.indexOf(victim), 1, await startProcess("worker", env));
  }, 60_000);

  it("a worker stopped with SIGTERM finishes its job and exits 0; nothing is lost", async () => {
    sim.faults.apiLatency(1500);
    sim.counters.reset();
    const ids = createRaces(6);
    const stopping = await waitFor(async () => {
      for (const id of ids) {
        const holder = await holderOf(id);
        if (holder) return holder;
      }
      return undefined;
    }, "a worker to take a job");
    stopping.child.kill("SIGTERM");
    expect(await stopping.exited).toBe(0);
    expect(stopping.output()).not.toMatch(/"level":(50|60)/);

    await waitFor(async () => (await raceCount(ids)) === 6, "all 6 races", 60_000);
    sim.faults.apiLatency(0);
    expect(sim.counters.requests("GET /activities/:id")).toBe(6);
    workers.splice(workers.indexOf(stopping), 1, await startProcess("worker", env));
  }, 90_000);

  it("the web process closes open SSE streams on SIGTERM and exits 0", async () => {
    const stream = await fetch(`${web.url}/api/stream`, { headers: ADMIN_BEARER });
    expect(stream.status).toBe(200);
    const body = stream.body!.getReader();
    web.child.kill("SIGTERM");
    for (;;) {
      const { done } = await body.read();
      if (done) break;
    }
    expect(await web.exited).toBe(0);
  }, 30_000);
});
