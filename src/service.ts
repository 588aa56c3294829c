import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { connectDatabase, type Database } from "./db/client.js";
import { startEmbeddedPostgres } from "./db/embedded.js";
import { migrateDatabase, migrationsCurrent } from "./db/migrate.js";
import { startDemo, type Demo } from "./demo/demo.js";
import { createApp } from "./app.js";
import { startHttpServer } from "./server.js";
import { buildDashboardIfMissing } from "./http/web-build.js";
import { Lifecycle } from "./lifecycle/lifecycle.js";
import { StartupError } from "./lifecycle/startup-error.js";
import type { Log } from "./log.js";
import { createStrava } from "./strava/client.js";
import { startWorker } from "./worker.js";
import { startFeedListener } from "./stream/listener.js";

export type Role = "web" | "worker" | "all";

export interface RunningService {
  ctx: AppContext;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  role: Role;
  config: Config;
  log: Log;
  /** Where the embedded Postgres keeps its data when DATABASE_URL is unset. */
  embeddedDataDir?: string;
  workerConcurrency?: number;
  /** The process's lifecycle, shared with its stop triggers (main.ts); a private one when absent. */
  lifecycle?: Lifecycle;
  /** Build dist/web first when it is missing (`npm start` on a fresh checkout). */
  buildDashboard?: boolean;
}

export const EMBEDDED_PORT = 54329;

/**
 * Boots one racesync process, one phase after the other: HTTP server (probes first), demo simulator,
 * dashboard build, database, worker, demo seeding. A stop asked for meanwhile ends the current phase
 * early; everything started is then released in reverse order, as it is on a start-up error.
 */
export async function startService(opts: StartOptions): Promise<RunningService> {
  const lifecycle = opts.lifecycle ?? new Lifecycle({ log: opts.log });
  try {
    return await startPhases(lifecycle, opts);
  } catch (err) {
    await lifecycle.release();
    throw err;
  }
}

async function startPhases(lifecycle: Lifecycle, opts: StartOptions): Promise<RunningService> {
  const { role, log } = opts;
  const web = role !== "worker";
  lifecycle.enter("starting"); // nothing starts once a stop was asked for (say, while loading)
  const http = await startHttpServer(opts.config.port, lifecycle.state);
  lifecycle.defer(() => http.close());
  const demo = opts.config.demo ? await startDemoSimulator(lifecycle, opts) : undefined;
  const config = demo?.config ?? opts.config;
  if (web && opts.buildDashboard) {
    lifecycle.enter("building the dashboard");
    await buildDashboardIfMissing(log, lifecycle.signal);
  }

  const url = await prepareDatabase(lifecycle, opts);
  lifecycle.enter("connecting");
  const database = connectDatabase(url);
  lifecycle.defer(() => database.close());
  const ctx = createContext(config, database, log);
  lifecycle.defer(() => ctx.strava.close());
  lifecycle.state.migrationsCurrent = () => migrationsCurrent(ctx.db);
  const feed = web ? await startFeedListener(url, log) : undefined;
  if (feed) lifecycle.defer(() => feed.close());

  if (role !== "web") {
    lifecycle.enter("starting worker");
    const runner = await startWorker(ctx, { databaseUrl: url, concurrency: opts.workerConcurrency, onStopped: (reason) => runnerStopped(lifecycle, reason) });
    lifecycle.defer(() => runner.stop());
  }
  // Served from here on (the demo's subscription is validated through the webhook route), but
  // only ready once seeded. Stopping starts by answering 503 again.
  http.serve(createApp(ctx, { web, feed }));
  lifecycle.defer(() => http.stopServing());
  if (demo) {
    lifecycle.enter("seeding");
    lifecycle.defer(await demo.populate(ctx, lifecycle.signal));
  }
  lifecycle.enter("ready");
  return { ctx, port: http.port, url: http.url, stop: () => lifecycle.release() };
}

/** A worker without its runner is dead: the liveness probe fails and the process stops, exit 1. */
function runnerStopped(lifecycle: Lifecycle, reason: string): void {
  lifecycle.state.failure = `the job runner stopped: ${reason}`;
  lifecycle.requestStop("job runner stopped", 1);
}

/** The context every verb takes: config, the database, the log and the Strava layer. */
export function createContext(config: Config, database: Database, log: Log): AppContext {
  const base = { config, db: database.db, log };
  return { ...base, strava: createStrava(base) };
}

async function startDemoSimulator(lifecycle: Lifecycle, opts: StartOptions): Promise<Demo> {
  lifecycle.enter("starting the simulator");
  const demo = await startDemo(opts.config, opts.log);
  lifecycle.defer(() => demo.stop());
  return demo;
}

/** The database URL, once migrated: DATABASE_URL, or the embedded Postgres started here. */
async function prepareDatabase(lifecycle: Lifecycle, opts: StartOptions): Promise<string> {
  let url = opts.config.databaseUrl;
  if (!url) {
    lifecycle.enter("starting embedded Postgres");
    const started = Date.now();
    const dataDir = opts.embeddedDataDir ?? ".data/postgres";
    const embedded = await startEmbeddedPostgres({ dataDir, port: EMBEDDED_PORT, log: (line) => opts.log.warn(line), signal: lifecycle.signal });
    lifecycle.defer(() => embedded.stop());
    opts.log.info({ ms: Date.now() - started, port: embedded.port }, "embedded Postgres ready (set DATABASE_URL to use your own)");
    url = embedded.url;
  }
  lifecycle.enter("migrating");
  await migrateDatabase(url).catch((err: unknown) => {
    throw opts.config.databaseUrl ? unreachable(err) : err;
  });
  return url;
}

/** Connection refused, unknown host, bad password, missing database: say it in one line. */
function unreachable(err: unknown): unknown {
  const code = String((err as { code?: unknown }).code ?? "");
  const connectionFailed = /^E[A-Z]+$/.test(code) || ["28P01", "28000", "3D000"].includes(code);
  if (!connectionFailed) return err;
  const reason = err instanceof Error ? err.message : code;
  return new StartupError(`cannot use the database at DATABASE_URL (${reason}): check the URL and that Postgres is up, or unset it to use the embedded Postgres`);
}
