import type { Config } from "./config.js";
import type { Database, Db, Sql } from "./db/client.js";
import type { Log } from "./log.js";
import { createStrava, type Strava } from "./strava/index.js";

/** What every verb needs: passed explicitly, never imported as a global. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  sql: Sql;
  log: Log;
  /** The Strava access layer: every request to Strava goes through it (and its rate-limit gate). */
  strava: Strava;
}

export function createContext(config: Config, database: Database, log: Log): AppContext {
  const base = { config, database, db: database.db, sql: database.sql, log };
  return { ...base, strava: createStrava(base) };
}
