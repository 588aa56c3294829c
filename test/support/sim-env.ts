import type { Simulator } from "../../src/simulator/index.js";

/** The environment that points racesync at a running simulator, with test secrets. */
export function simulatorEnv(sim: Simulator, simUrl: string): Record<string, string> {
  return {
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${simUrl}/api/v3`,
    STRAVA_OAUTH_URL: `${simUrl}/oauth`,
    SESSION_SECRET: "s".repeat(40),
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  };
}
