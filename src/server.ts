import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Runner } from "graphile-worker";
import type { Config } from "./config.js";
import { createContext, type AppContext } from "./context.js";
import { connectDatabase } from "./db/client.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded.js";
import { migrateDatabase } from "./db/migrate.js";
import { createApp } from "./http/app.js";
import type { Log } from "./log.js";
import { startWorker } from "./worker/runner.js";
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
}

export const EMBEDDED_PORT = 54329;

/** Boots one racesync process: database, migrations, HTTP server and, per role, the worker. */
export async function startService(opts: StartOptions): Promise<RunningService> {
  const { config, log } = opts;
  const stack: Array<() => Promise<void>> = [];
  // Releases everything in reverse order, once: a second stop() waits for the first.
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const release of stack.reverse()) await release().catch((e) => log.warn({ err: String(e) }, "error during shutdown"));
    })());
  try {
    const embedded = config.databaseUrl ? undefined : await startEmbedded(opts);
    if (embedded) stack.push(() => embedded.stop());
    const url = config.databaseUrl ?? embedded!.url;

    await migrateDatabase(url);
    const database = connectDatabase(url);
    stack.push(() => database.close());
    const ctx = createContext(config, database, log);
    stack.push(() => ctx.strava.close());

    const web = opts.role !== "worker";
    const feed = web ? await startFeedListener(url, log) : undefined;
    const server = await listen(createApp(ctx, { web, feed }).fetch, config.port).catch(async (err: unknown) => {
      await feed?.close();
      throw err;
    });
    stack.push(() => closeServer(server));
    // Released before the server closes, so open SSE streams end cleanly.
    if (feed) stack.push(() => feed.close());

    if (opts.role !== "web") {
      const runner: Runner = await startWorker(ctx, { concurrency: opts.workerConcurrency });
      stack.push(() => runner.stop());
    }
    const port = (server.address() as AddressInfo).port;
    return { ctx, port, url: `http://127.0.0.1:${port}`, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startEmbedded(opts: StartOptions): Promise<EmbeddedDatabase> {
  const started = Date.now();
  const db = await startEmbeddedPostgres({
    dataDir: opts.embeddedDataDir ?? ".data/postgres",
    port: EMBEDDED_PORT,
    log: (line) => opts.log.warn(line),
  });
  opts.log.info({ ms: Date.now() - started, port: EMBEDDED_PORT }, "embedded Postgres ready (set DATABASE_URL to use your own)");
  return db;
}

function listen(fetch: Parameters<typeof serve>[0]["fetch"], port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: "0.0.0.0" }, () => resolve(server));
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
