import { loadConfig, type Config } from "../../src/config.js";
import { connectAthlete } from "../../src/athletes/connect.js";
import { createLog, type Log } from "../../src/log.js";
import { startService, type Role, type RunningService } from "../../src/server.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { freePort } from "./global-setup.js";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestStack {
  sim: Simulator;
  simUrl: string;
  db: TestDatabase;
  config: Config;
  service: RunningService;
  /** Base URL of the racesync HTTP server. */
  url: string;
  /** Seeds an athlete in the simulator (with `history` activities) and connects it through the real verb. */
  connect(opts?: { history?: number; raceShare?: number; firstname?: string; scopes?: string }): Promise<number>;
  stop(): Promise<void>;
}

export interface StackOptions {
  role?: Role;
  /** Extra environment for loadConfig (e.g. STRAVA_RATE_LIMIT_WINDOW_S). */
  env?: Record<string, string>;
  sim?: SimulatorOptions;
  /** Create the simulator's push subscription pointing at racesync (default true). */
  subscribe?: boolean;
  log?: Log;
  workerConcurrency?: number;
}

/**
 * The whole system for an integration or browser test: a fresh database, the Strava simulator over
 * real HTTP, and one racesync process (HTTP server + Graphile Worker) configured against both.
 */
export async function startTestStack(opts: StackOptions = {}): Promise<TestStack> {
  const sim = createSimulator({ webhookRetryDelayMs: 50, ...opts.sim });
  const simServer = await sim.listen(0);
  const db = await createTestDatabase();
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${simServer.url}/api/v3`,
    STRAVA_OAUTH_URL: `${simServer.url}/oauth`,
    STRAVA_VERIFY_TOKEN: "test-verify-token",
    SESSION_SECRET: "s".repeat(40),
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    DASHBOARD_VISIBILITY: "public",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const log = opts.log ?? createLog(config.logLevel);
  const service = await startService({ role: opts.role ?? "all", config, log, workerConcurrency: opts.workerConcurrency });
  const url = `http://127.0.0.1:${port}`;
  if (opts.subscribe !== false) await subscribe(sim, simServer.url, config, db, url);
  return {
    sim,
    simUrl: simServer.url,
    db,
    config,
    service,
    url,
    async connect(a = {}) {
      const athlete = sim.seedAthlete({ firstname: a.firstname, scopes: a.scopes });
      if (a.history) sim.seedHistory(athlete.id, { count: a.history, raceShare: a.raceShare });
      const tokens = sim.issueTokens(athlete.id, a.scopes);
      await connectAthlete(service.ctx, {
        athlete: { id: athlete.id, firstname: athlete.firstname, lastname: athlete.lastname },
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: tokens.expires_at,
        scopes: a.scopes ?? "read,activity:read_all",
      });
      return athlete.id;
    },
    async stop() {
      await service.stop();
      await simServer.close();
      await db.destroy();
    },
  };
}

async function subscribe(sim: Simulator, simUrl: string, config: Config, db: TestDatabase, url: string): Promise<void> {
  const body = new URLSearchParams({
    client_id: String(sim.clientId),
    client_secret: sim.clientSecret,
    callback_url: `${url}/webhooks/strava`,
    verify_token: config.strava.verifyToken,
  });
  const res = await fetch(`${simUrl}/api/v3/push_subscriptions`, { method: "POST", body });
  const json = (await res.json()) as { id: number };
  if (res.status !== 201) throw new Error(`subscription failed: ${JSON.stringify(json)}`);
  await db.sql`insert into settings (key, value) values ('strava_subscription_id', ${String(json.id)})
               on conflict (key) do update set value = excluded.value`;
}
