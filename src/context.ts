import type { Config } from "./config.js";
import type { Db } from "./db/client.js";
import type { Log } from "./log.js";
import type { Strava } from "./strava/client.js";

/** What every verb needs: passed explicitly, never imported as a global (built by service.ts). */
export interface AppContext {
  config: Config;
  db: Db;
  log: Log;
  /** The Strava access layer: every request to Strava goes through it (and its rate-limit gate). */
  strava: Strava;
}
