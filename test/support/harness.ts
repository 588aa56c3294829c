import { serve } from "@hono/node-server";
import type { Runner } from "graphile-worker";
import type { Hono } from "hono";
import { createApp, type AppEnv } from "../../src/app.js";
import type { Config, Env } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import type { Simulator, SimulatorOptions } from "../../src/simulator/index.js";
import { createStrava, type Strava, type StravaOptions } from "../../src/strava/client.js";
import type { FeedListener } from "../../src/stream/listener.js";
import { verifyTokenOf } from "../../src/webhooks/credentials.js";
import { startWorker } from "../../src/worker.js";
import { connectSimAthlete, type ConnectedAthlete, type SimAthleteOptions } from "./connect.js";
import type { VerbDb } from "./context.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { settleRealtime } from "./settle.js";
import { simulatorEnv } from "./sim-env.js";
import { startSim } from "./simulator.js";
import { webhookUrl } from "./webhook-url.js";
import type { TestSql } from "./test-sql.js";

/** PUBLIC_URL of the harness's racesync: where OAuth redirects back to. */
export const PUBLIC_URL = "http://racesync.test";

export interface HarnessOptions {
  /** Environment for loadConfig, over the harness's own (simulator, secrets, database). */
  env?: Env;
  sim?: SimulatorOptions;
}

/**
 * racesync's context on a fresh database beside the Strava simulator, with no service running:
 * tests call verbs, drive the app with app.request() and start workers when they need them.
 */
export interface Harness {
  sim: Simulator;
  simUrl: string;
  db: TestDatabase;
  /** The test's own client (db.sql), for its setup and assertion SQL. */
  sql: TestSql;
  /** The environment the configuration came from, for a racesync process a test starts itself. */
  env: Env;
  config: Config;
  ctx: AppContext;
  verbDb: VerbDb;
  /** The web role's app, driven with app.request(). */
  app: Hono<AppEnv>;
  /** Rebuilds the app after a config change, or to attach a change-feed listener. */
  rebuild(opts?: { feed?: FeedListener }): void;
  /** Another Strava layer on this database, with its own options: what a second process would hold. */
  makeStrava(opts?: StravaOptions): Strava;
  /** Starts a Graphile Worker runner; `separate` gives it its own connections and Strava layer (another process). */
  startWorker(opts?: { concurrency?: number; separate?: boolean }): Promise<Runner>;
  /** Serves the app over HTTP and points the simulator's push subscription at it, so events reach the worker. */
  subscribeWebhooks(): Promise<void>;
  /** Seeds an athlete in the simulator and connects it; `runId` is the backfill this queued. */
  connect(opts?: SimAthleteOptions): Promise<HarnessAthlete>;
  /** Waits until every webhook event was delivered and every real-time job ran. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type HarnessAthlete = Omit<ConnectedAthlete, "backfillRunId"> & { runId: number };

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const running = await startSim(opts.sim);
  const db = await createTestDatabase();
  const env: Env = {
    DATABASE_URL: db.url,
    ...simulatorEnv(running.sim, running.url),
    PUBLIC_URL,
    LOG_LEVEL: "silent",
    ...opts.env,
  };
  const { ctx, verbDb } = db.context({ env });
  const cleanups: Array<() => Promise<void>> = [];

  const h: Harness = {
    sim: running.sim,
    simUrl: running.url,
    db,
    sql: db.sql,
    env,
    config: ctx.config,
    ctx,
    verbDb,
    app: createApp(ctx, { web: true }),
    rebuild(o = {}) {
      h.app = createApp(ctx, { web: true, feed: o.feed });
    },
    makeStrava(o) {
      const strava = createStrava(ctx, o);
      cleanups.push(() => strava.close());
      return strava;
    },
    async startWorker(o = {}) {
      const workerCtx = o.separate ? db.context({ env, maxConnections: 4 }).ctx : ctx;
      const runner = await startWorker(workerCtx, { databaseUrl: db.url, concurrency: o.concurrency ?? 4, pollInterval: 100 });
      cleanups.push(() => runner.stop());
      return runner;
    },
    async subscribeWebhooks() {
      const port = await new Promise<number>((resolve) => {
        const server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
        cleanups.push(() => new Promise((r) => server.close(() => r())));
      });
      const res = await running.form("/api/v3/push_subscriptions", {
        client_id: running.sim.clientId, client_secret: running.sim.clientSecret,
        callback_url: await webhookUrl(ctx.db, `http://127.0.0.1:${port}`), verify_token: await verifyTokenOf(ctx),
      });
      if (res.status !== 201) throw new Error(`subscription failed: ${res.status} ${await res.text()}`);
    },
    async connect(o) {
      const { backfillRunId, ...athlete } = await connectSimAthlete(ctx, running.sim, o);
      if (backfillRunId === null) throw new Error(`connecting athlete ${athlete.athleteId} queued no backfill`);
      return { ...athlete, runId: backfillRunId };
    },
    settle: (timeoutMs) => settleRealtime(db.sql, running.sim, timeoutMs),
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      await db.destroy();
      await running.close();
    },
  };
  return h;
}
