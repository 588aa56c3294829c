import { loadConfig, type Config, type Env } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { createLog, type Log } from "../../src/log.js";
import { startService, type Role, type RunningService } from "../../src/service.js";
import type { Simulator, SimulatorOptions } from "../../src/simulator/index.js";
import { storeSubscriptionId } from "../../src/subscription/settings.js";
import { subscriptionApi } from "../../src/subscription/strava-api.js";
import { verifyTokenOf } from "../../src/webhooks/credentials.js";
import { connectSimAthlete } from "./connect.js";
import { createTestContext, verbDbOf, type TestContext, type VerbDb } from "./context.js";
import { freePort } from "./net.js";
import { settleRealtime } from "./settle.js";
import { simulatorEnv } from "./sim-env.js";
import { startSim } from "./simulator.js";
import { webhookUrl } from "./webhook-url.js";
import { connectTestSql, type TestSql } from "./test-sql.js";

export interface Stack {
  sim: Simulator;
  /** The simulator's base URL (OAuth under /oauth, the API under /api/v3). */
  simUrl: string;
  config: Config;
  service: RunningService;
  /** The running service's context, for verbs a test calls itself (`x(stack.ctx, …)`). */
  ctx: AppContext;
  /** The database handle of the service's context, for verbs that take one (see context.ts). */
  verbDb: VerbDb;
  /** The test's own client on the database, for its setup and assertion SQL (ended at stop). */
  sql: TestSql;
  /** racesync's context as another process on the same database holds it (closed at stop). */
  otherProcess(): TestContext;
  /** Base URL of the racesync HTTP server. */
  url: string;
  /** Seeds (or reuses) a simulated athlete with `history` activities and connects it through the real verb. */
  connect(opts?: ConnectOptions): Promise<number>;
  /** Waits until Strava delivered every event and racesync's worker handled every real-time job. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ConnectOptions {
  athleteId?: number;
  history?: number;
  raceShare?: number;
  firstname?: string;
  scopes?: string;
  /** Queue the history backfill as a real sign-up does (default true). */
  backfill?: boolean;
  /** The athlete's answer to "show my races on the club board" (default yes; null: not asked yet). */
  shareOnBoard?: boolean | null;
}

export interface StackOptions {
  role?: Role;
  /** Extra environment for loadConfig (e.g. STRAVA_RATE_LIMIT_WINDOW_S). */
  env?: Env;
  sim?: SimulatorOptions;
  /** Create the simulator's push subscription pointing at racesync (default true). */
  subscribe?: boolean;
  log?: Log;
  workerConcurrency?: number;
}

/**
 * The whole system on a given database: the Strava simulator over real HTTP and one racesync
 * process (HTTP server + Graphile Worker) configured against both. No vitest imports, so the
 * benchmarks use it too.
 */
export async function startStack(databaseUrl: string, opts: StackOptions = {}): Promise<Stack> {
  const running = await startSim({ webhookRetryDelayMs: 50, ...opts.sim });
  const { sim } = running;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Env = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    PUBLIC_URL: url,
    ...simulatorEnv(sim, running.url),
    DASHBOARD_VISIBILITY: "public",
    ACTIVITY_SYNC_DEBOUNCE_MS: "200",
    LOG_LEVEL: "silent",
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = opts.log ?? createLog(config.logLevel);
  const service = await startService({ role: opts.role ?? "all", config, log, workerConcurrency: opts.workerConcurrency });
  const verbDb = verbDbOf(service.ctx);
  const sql = connectTestSql(databaseUrl);
  const others: TestContext[] = [];
  if (opts.subscribe !== false) {
    const subscription = await subscriptionApi(config.strava).create(await webhookUrl(verbDb, url), await verifyTokenOf(service.ctx));
    await storeSubscriptionId(verbDb, subscription.id);
  }
  return {
    sim,
    simUrl: running.url,
    config,
    service,
    ctx: service.ctx,
    verbDb,
    sql,
    url,
    otherProcess() {
      const other = createTestContext(databaseUrl, { env });
      others.push(other);
      return other;
    },
    async connect(a = {}) {
      const history = a.history ? { count: a.history, raceShare: a.raceShare } : undefined;
      const { athleteId } = await connectSimAthlete(service.ctx, sim, { athleteId: a.athleteId, firstname: a.firstname, scopes: a.scopes, history, shareOnBoard: a.shareOnBoard });
      if (a.backfill === false) await sql`select graphile_worker.remove_job(${`backfill:${athleteId}`})`;
      return athleteId;
    },
    settle: (timeoutMs) => settleRealtime(sql, sim, timeoutMs),
    async stop() {
      await service.stop();
      for (const other of others) await other.close();
      await running.close();
      await sql.end({ timeout: 5 });
    },
  };
}
