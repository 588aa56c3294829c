import { loadConfig, type Env } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { createContext } from "../../src/service.js";
import { connectDatabase } from "../../src/db/client.js";
import { createLog, type Log } from "../../src/log.js";

/**
 * The database handle racesync's lower-level verbs take as their first argument
 * (`applyActivity(verbDb, …)`, `addJob(verbDb, …)`). Tests get it only from here, so a change in
 * the context's shape is met in test/support alone; a test's own SQL goes through its own client.
 */
export type VerbDb = AppContext["db"];

export function verbDbOf(ctx: AppContext): VerbDb {
  return ctx.db;
}

export interface ContextOptions {
  /** Environment for loadConfig on top of DATABASE_URL and a silent log level. */
  env?: Env;
  log?: Log;
  maxConnections?: number;
}

/** racesync's context as one process holds it, on a test database. */
export interface TestContext {
  /** For verbs that take a context (`connectAthlete(ctx, …)`, `startSync(ctx, …)`). */
  ctx: AppContext;
  verbDb: VerbDb;
  close(): Promise<void>;
}

/** Builds the context the way startService does: configuration, log, database clients, Strava layer. */
export function createTestContext(databaseUrl: string, opts: ContextOptions = {}): TestContext {
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...opts.env });
  const database = connectDatabase(databaseUrl, { max: opts.maxConnections ?? 5 });
  const ctx = createContext(config, database, opts.log ?? createLog(config.logLevel));
  return {
    ctx,
    verbDb: verbDbOf(ctx),
    async close() {
      await ctx.strava.close();
      await database.close();
    },
  };
}
