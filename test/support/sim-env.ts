import type { Simulator } from "../../src/simulator/index.js";
import { TEST_ADMIN_TOKEN } from "./callers.js";

/** The environment that points racesync at a running simulator, with test secrets and tokens. */
export function simulatorEnv(sim: Simulator, simUrl: string): Record<string, string> {
  return {
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${simUrl}/api/v3`,
    STRAVA_OAUTH_URL: `${simUrl}/oauth`,
    STRAVA_VERIFY_TOKEN: "test-verify-token",
    SESSION_SECRET: "s".repeat(40),
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  };
}
