import type { Config } from "./config.js";
import type { Database, Db, Sql } from "./db/client.js";
import type { Log } from "./log.js";

/** What every verb needs: passed explicitly, never imported as a global. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  sql: Sql;
  log: Log;
}

export function createContext(config: Config, database: Database, log: Log): AppContext {
  return { config, database, db: database.db, sql: database.sql, log };
}
