/**
 * The system under a compressed clock: the Strava simulator (in this process, Strava's default
 * limits and windows scaled), one web and some worker processes of the real service, and a context of
 * the service on the same database for connecting athletes and queueing jobs.
 */
import postgres from "postgres";
import { loadConfig } from "../../../src/config.js";
import { createSimulator, type Simulator } from "../../../src/simulator/index.js";
import { storeSubscriptionId } from "../../../src/subscription/settings.js";
import { subscriptionApi } from "../../../src/subscription/strava-api.js";
import { startProcess, stopProcess, type RacesyncProcess } from "../../../test/ops/processes.js";
import { createTestContext, type TestContext } from "../../../test/support/context.js";
import { simulatorEnv } from "../../../test/support/sim-env.js";
import { webhookUrl } from "../../../test/support/webhook-url.js";
import { verifyTokenOf } from "../../../src/webhooks/credentials.js";
import { onCleanup } from "../lib/cleanup.js";
import { compressedSchedule, type Compression } from "./clock.js";

/** The planner's pass, every simulated quarter hour (its crontab's minute cannot be compressed). */
const PLANNER_TICK_S = 900;
/** Strava retries an unacknowledged event some minutes later. */
const WEBHOOK_RETRY_S = 120;

export interface CompressedStack {
  sim: Simulator;
  web: RacesyncProcess;
  workers: RacesyncProcess[];
  service: TestContext;
  sql: postgres.Sql;
  /** Simulated seconds between two passes of the budget planner. */
  plannerTickSeconds: number;
}

export async function startCompressedStack(databaseUrl: string, c: Compression, seed: number, workerCount: number, clubFeed: boolean): Promise<CompressedStack> {
  const defaults = loadConfig({});
  const sim = createSimulator({ seed, windowSeconds: c.windowMs / 1000, daySeconds: c.dayMs / 1000, webhookRetryDelayMs: Math.round((WEBHOOK_RETRY_S * 1000) / c.factor) });
  const server = await sim.listen(0);
  onCleanup(() => server.close());
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    ...simulatorEnv(sim, server.url),
    STRAVA_RATE_LIMIT_WINDOW_S: String(c.windowMs / 1000),
    STRAVA_RATE_LIMIT_DAY_S: String(c.dayMs / 1000),
    RECONCILE_OVERLAP_S: String(Math.round(defaults.reconcileOverlapSeconds / c.factor)),
    FOLLOW_UP_SCHEDULE: compressedSchedule(c, defaults.followUpScheduleSeconds),
    ACTIVITY_SYNC_DEBOUNCE_MS: String(Math.round(defaults.activitySyncDebounceMs / c.factor)),
    LOG_LEVEL: "warn",
    ...(clubFeed && { STRAVA_CLUB_ID: String(sim.clubId) }),
  };
  const web = await startProcess("web", env);
  onCleanup(() => stopProcess(web));
  const workers: RacesyncProcess[] = [];
  for (let i = 0; i < workerCount; i++) {
    const worker = await startProcess("worker", env);
    onCleanup(() => stopProcess(worker));
    workers.push(worker);
  }
  const service = createTestContext(databaseUrl, { env, maxConnections: 4 });
  onCleanup(() => service.close());
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  onCleanup(() => sql.end({ timeout: 5 }));
  await subscribe(service, await webhookUrl(service.verbDb, web.url));
  return { sim, web, workers, service, sql, plannerTickSeconds: PLANNER_TICK_S };
}

async function subscribe(service: TestContext, callbackUrl: string): Promise<void> {
  const subscription = await subscriptionApi(service.ctx.config.strava).create(callbackUrl, await verifyTokenOf(service.ctx));
  await storeSubscriptionId(service.verbDb, subscription.id);
}
