import { connectAthlete } from "../../src/athletes/connect.js";
import { loadConfig, type Config, type Env } from "../../src/config.js";
import { createLog, type Log } from "../../src/log.js";
import { startService, type Role, type RunningService } from "../../src/server.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { storeSubscriptionId } from "../../src/subscription/settings.js";
import { subscriptionApi } from "../../src/subscription/strava-api.js";
import { freePort } from "./net.js";
import { simulatorEnv } from "./sim-env.js";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export interface Stack {
  sim: Simulator;
  /** The simulator's base URL (OAuth under /oauth, the API under /api/v3). */
  simUrl: string;
  config: Config;
  service: RunningService;
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
  const sim = createSimulator({ webhookRetryDelayMs: 50, ...opts.sim });
  const simServer = await sim.listen(0);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    PUBLIC_URL: url,
    ...simulatorEnv(sim, simServer.url),
    STRAVA_VERIFY_TOKEN: "test-verify-token",
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    DASHBOARD_VISIBILITY: "public",
    ACTIVITY_SYNC_DEBOUNCE_MS: "200",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const log = opts.log ?? createLog(config.logLevel);
  const service = await startService({ role: opts.role ?? "all", config, log, workerConcurrency: opts.workerConcurrency });
  const sql = service.ctx.sql;
  if (opts.subscribe !== false) {
    const subscription = await subscriptionApi(config.strava).create(`${url}/webhooks/strava`, config.strava.verifyToken);
    await storeSubscriptionId(sql, subscription.id);
  }
  return {
    sim,
    simUrl: simServer.url,
    config,
    service,
    url,
    async connect(a = {}) {
      const athlete = a.athleteId ? sim.athlete(a.athleteId) : sim.seedAthlete({ firstname: a.firstname, scopes: a.scopes });
      if (a.history) sim.seedHistory(athlete.id, { count: a.history, raceShare: a.raceShare });
      const tokens = sim.issueTokens(athlete.id, a.scopes);
      await connectAthlete(service.ctx, {
        athlete: { id: athlete.id, firstname: athlete.firstname, lastname: athlete.lastname },
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: tokens.expires_at,
        scopes: a.scopes ?? "read,activity:read_all",
      });
      if (a.backfill === false) await sql`select graphile_worker.remove_job(${`backfill:${athlete.id}`})`;
      return athlete.id;
    },
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await sim.deliveries.idle();
        const [row] = await sql<{ pending: number }[]>`
          select (select count(*)::int from webhook_events where outcome = 'queued')
               + (select count(*)::int from graphile_worker.jobs where attempts < max_attempts
                   and task_identifier in ('activity-sync', 'activity-delete', 'athlete-deauthorize')) as pending`;
        if (row!.pending === 0) return;
        if (Date.now() > deadline) throw new Error(`still ${row!.pending} events/jobs pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await service.stop();
      await simServer.close();
    },
  };
}
