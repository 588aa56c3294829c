import { serve } from "@hono/node-server";
import type { Runner } from "graphile-worker";
import { connectAthlete } from "../../src/athletes/connect.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createContext, type AppContext } from "../../src/context.js";
import { connectDatabase } from "../../src/db/client.js";
import { createApp } from "../../src/http/app.js";
import { createLog } from "../../src/log.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { getRun } from "../../src/sync/runs.js";
import { startWorker } from "../../src/worker/runner.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { simulatorEnv } from "../support/sim-env.js";

/** A simulator, a fresh database, a context and (on demand) worker runners and the web app. */
export interface HistoryHarness {
  sim: Simulator;
  simUrl: string;
  db: TestDatabase;
  env: Record<string, string>;
  config: Config;
  ctx: AppContext;
  /** Starts a Graphile Worker runner; `separate` gives it its own connections and Strava layer (another "process"). */
  startWorker(opts?: { concurrency?: number; separate?: boolean }): Promise<Runner>;
  /** Serves the app and points a push subscription at it, so simulator events reach the worker. */
  subscribeWebhooks(): Promise<void>;
  /** Seeds an athlete (with a history) and connects it: queues its backfill. */
  connect(history?: Parameters<Simulator["seedHistory"]>[1]): Promise<{ athleteId: number; runId: number }>;
  waitForRun(runId: number, statuses?: string[], timeoutMs?: number): Promise<NonNullable<Awaited<ReturnType<typeof getRun>>>>;
  raceIds(athleteId: number): Promise<number[]>;
  close(): Promise<void>;
}

export async function startHistoryHarness(opts: { env?: Record<string, string>; sim?: SimulatorOptions } = {}): Promise<HistoryHarness> {
  const sim = createSimulator({ webhookRetryDelayMs: 20, ...opts.sim });
  const server = await sim.listen(0);
  const db = await createTestDatabase();
  const env = {
    DATABASE_URL: db.url,
    ...simulatorEnv(sim, server.url),
    STRAVA_VERIFY_TOKEN: "history-verify",
    LOG_LEVEL: "silent",
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = createLog("silent");
  const ctx = createContext(config, db, log);
  const cleanups: Array<() => Promise<void>> = [];

  const harness: HistoryHarness = {
    sim, simUrl: server.url, db, env, config, ctx,
    async startWorker(o = {}) {
      let workerCtx = ctx;
      if (o.separate) {
        const database = connectDatabase(db.url, { max: 4 });
        workerCtx = createContext(config, database, log);
        cleanups.push(async () => { await workerCtx.strava.close(); await database.close(); });
      }
      const runner = await startWorker(workerCtx, { concurrency: o.concurrency ?? 4, pollInterval: 100 });
      cleanups.push(() => runner.stop());
      return runner;
    },
    async subscribeWebhooks() {
      const app = createApp(ctx, { web: true });
      const port = await new Promise<number>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
        cleanups.push(() => new Promise((r) => s.close(() => r())));
      });
      const form = new URLSearchParams({
        client_id: String(sim.clientId), client_secret: sim.clientSecret,
        callback_url: `http://127.0.0.1:${port}/webhooks/strava`, verify_token: config.strava.verifyToken,
      });
      const res = await fetch(`${server.url}/api/v3/push_subscriptions`, { method: "POST", body: form });
      if (res.status !== 201) throw new Error(`subscription failed: ${res.status} ${await res.text()}`);
    },
    async connect(history) {
      const athlete = sim.seedAthlete();
      if (history) sim.seedHistory(athlete.id, history);
      const pair = sim.issueTokens(athlete.id);
      const result = await connectAthlete(ctx, {
        athlete: { id: athlete.id, firstname: "Test", lastname: "Runner" },
        accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: pair.expires_at,
        scopes: "read,activity:read_all",
      });
      return { athleteId: athlete.id, runId: result.backfillRunId! };
    },
    async waitForRun(runId, statuses = ["succeeded", "failed", "cancelled", "held"], timeoutMs = 25_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getRun(ctx.sql, runId);
        if (run && statuses.includes(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async raceIds(athleteId) {
      const rows = await ctx.sql<{ id: string }[]>`
        select strava_activity_id::text as id from races where athlete_id = ${athleteId} and removed_at is null order by 1`;
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      await ctx.strava.close();
      await server.close();
      await db.destroy();
    },
  };
  return harness;
}

export const simRaceIds = (sim: Simulator, athleteId: number) => sim.racesOf(athleteId).map((a) => a.id).sort((a, b) => a - b);
