import { randomBytes } from "node:crypto";
import { connectAthlete } from "../../src/athletes/connect.js";
import { loadConfig, type Env } from "../../src/config.js";
import { createLog } from "../../src/log.js";
import { startService, type RunningService } from "../../src/server.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { SUBSCRIPTION_SETTING } from "../../src/webhooks/store-events.js";
import { freePort } from "../../scripts/bench/lib/postgres.js";

export interface RealtimeStack {
  sim: Simulator;
  /** The simulator's base URL (its OAuth endpoints live under /oauth). */
  simUrl: string;
  service: RunningService;
  /** Connects a simulated athlete to racesync (tokens from the simulator, no backfill job). */
  connect(athleteId: number): Promise<void>;
  /** Waits until Strava delivered every event and racesync's worker handled every job. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real path end to end: the Strava simulator over HTTP → racesync (web + worker) on the given
 * database, with a push subscription pointing at /webhooks/strava and its id stored in settings.
 * (No vitest imports: the ingest benchmark uses it too.)
 */
export async function startRealtimeStack(databaseUrl: string, opts: { env?: Env; sim?: SimulatorOptions } = {}): Promise<RealtimeStack> {
  const sim = createSimulator({ webhookRetryDelayMs: 20, ...opts.sim });
  const simServer = await sim.listen(0);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${simServer.url}/api/v3`,
    STRAVA_OAUTH_URL: `${simServer.url}/oauth`,
    STRAVA_VERIFY_TOKEN: "realtime-verify",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    ACTIVITY_SYNC_DEBOUNCE_MS: "200",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const service = await startService({ role: "all", config, log: createLog("silent"), workerConcurrency: 4 });
  const subscriptionId = await subscribe(simServer.url, sim, `${service.url}/webhooks/strava`, config.strava.verifyToken);
  await service.ctx.sql`insert into settings (key, value) values (${SUBSCRIPTION_SETTING}, ${String(subscriptionId)})`;
  const sql = service.ctx.sql;
  return {
    sim,
    simUrl: simServer.url,
    service,
    async connect(athleteId) {
      const tokens = sim.issueTokens(athleteId);
      const athlete = { id: athleteId, firstname: "Test", lastname: `Runner ${athleteId}` };
      await connectAthlete(service.ctx, { athlete, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: tokens.expires_at, scopes: "read,activity:read_all" });
      await sql`select graphile_worker.remove_job(${`backfill:${athleteId}`})`;
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

async function subscribe(simUrl: string, sim: Simulator, callbackUrl: string, verifyToken: string): Promise<number> {
  const form = new URLSearchParams({ client_id: String(sim.clientId), client_secret: sim.clientSecret, callback_url: callbackUrl, verify_token: verifyToken });
  const res = await fetch(`${simUrl}/api/v3/push_subscriptions`, { method: "POST", body: form });
  if (res.status !== 201) throw new Error(`push subscription refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}
