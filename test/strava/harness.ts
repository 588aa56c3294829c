import { connectAthlete } from "../../src/athletes/connect.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createLog } from "../../src/log.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { createStrava, type Strava, type StravaDeps, type StravaOptions } from "../../src/strava/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { simulatorEnv } from "../support/sim-env.js";

export interface StravaHarness {
  sim: Simulator;
  simUrl: string;
  db: TestDatabase;
  config: Config;
  deps: StravaDeps;
  strava: Strava;
  /** A Strava layer with other options on the same database (another "process"). */
  makeStrava(opts?: StravaOptions): Strava;
  /** Seeds an athlete in the simulator and connects it to racesync (tokens stored encrypted). */
  connect(): Promise<{ athleteId: number; accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

export async function startHarness(opts: { sim?: SimulatorOptions; env?: Record<string, string>; strava?: StravaOptions } = {}): Promise<StravaHarness> {
  const sim = createSimulator({ webhookRetryDelayMs: 20, ...opts.sim });
  const server = await sim.listen(0);
  const db = await createTestDatabase();
  const config = loadConfig({
    ...simulatorEnv(sim, server.url),
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const deps: StravaDeps = { config, sql: db.sql, log: createLog("silent") };
  const made: Strava[] = [];
  const makeStrava = (o?: StravaOptions) => {
    const s = createStrava(deps, o);
    made.push(s);
    return s;
  };
  const strava = makeStrava(opts.strava);
  return {
    sim,
    simUrl: server.url,
    db,
    config,
    deps,
    strava,
    makeStrava,
    async connect() {
      const athlete = sim.seedAthlete();
      const pair = sim.issueTokens(athlete.id);
      await connectAthlete({ ...deps, database: db, db: db.db, strava }, {
        athlete: { id: athlete.id, firstname: "Test", lastname: "Runner" },
        accessToken: pair.access_token,
        refreshToken: pair.refresh_token,
        expiresAt: pair.expires_at,
        scopes: "read,activity:read_all",
      });
      return { athleteId: athlete.id, accessToken: pair.access_token, refreshToken: pair.refresh_token };
    },
    async close() {
      await Promise.all(made.map((s) => s.close()));
      await server.close();
      await db.destroy();
    },
  };
}
