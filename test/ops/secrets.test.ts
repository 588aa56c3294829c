import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { decryptToken, tokenKeys } from "../../src/strava/token-crypto.js";
import { ADMIN_BEARER, TEST_ADMIN_TOKEN } from "../support/callers.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";
import { webhookUrl } from "../support/webhook-url.js";

const logLines: string[] = [];
const responses: string[] = [];
let stack: TestStack;

beforeAll(async () => {
  const log = createLog("trace", { destination: { write: (line: string) => void logLines.push(line) } });
  stack = await startTestStack({ log, env: { LOG_LEVEL: "trace", ACTIVITY_SYNC_DEBOUNCE_MS: "0" } });
});
afterAll(() => stack.stop());

/** fetch that keeps every response body (and Location / Set-Cookie headers) for the final check. */
async function fetchKept(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { redirect: "manual", ...init });
  const body = await res.clone().text();
  if (url.startsWith(stack.url)) responses.push(body, res.headers.get("location") ?? "");
  return res;
}

async function storedTokens(athleteId: number): Promise<string[]> {
  const [row] = await stack.sql<{ a: string; r: string }[]>`
    select access_token_enc as a, refresh_token_enc as r from athletes where strava_id = ${athleteId}`;
  const keys = tokenKeys(stack.config);
  return [decryptToken(keys, row!.a, { athleteId, field: "access" }), decryptToken(keys, row!.r, { athleteId, field: "refresh" })];
}

describe("secrets never reach a log line or an API response", () => {
  it("through an OAuth connect, a token refresh, webhooks and admin calls", async () => {
    const athlete = stack.sim.seedAthlete();
    stack.sim.seedHistory(athlete.id, { count: 5, raceShare: 0.5 });

    // OAuth connect over real HTTP: login → simulator's authorize → callback.
    const login = await fetchKept(`${stack.url}/auth/strava/login`);
    const stateCookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    stack.sim.oauth.nextAthleteId = athlete.id;
    const approved = await fetch(login.headers.get("location")!, { redirect: "manual" });
    const callbackUrl = approved.headers.get("location")!;
    const code = new URL(callbackUrl).searchParams.get("code")!;
    const signedIn = await fetchKept(callbackUrl, { headers: { cookie: stateCookie } });
    expect(signedIn.status).toBe(302);
    const sessionCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("rs_session="))!.split(";")[0]!;
    await waitFor(async () => (await stack.sql`select 1 from athletes where strava_id = ${athlete.id} and backfill_completed_at is not null`).length, "the backfill");
    const firstTokens = await storedTokens(athlete.id);

    // Token refresh, driven by a webhook for a new race.
    stack.sim.expireAccessTokens(athlete.id);
    await stack.sql`update athletes set token_expires_at = now() - interval '1 minute' where strava_id = ${athlete.id}`;
    const race = stack.sim.createActivity(athlete.id, { sport_type: "Run", workout_type: 1 });
    await waitFor(async () => (await stack.sql`select 1 from races where strava_activity_id = ${race.id}`).length, "the race");
    const refreshedTokens = await storedTokens(athlete.id);
    expect(refreshedTokens[0]).not.toBe(firstTokens[0]);

    // Member and admin calls.
    await fetchKept(`${stack.url}/api/me`, { headers: { cookie: sessionCookie } });
    for (const path of ["athletes", "sync-runs", "queue", "rate-limit", "webhook-events"]) {
      const res = await fetchKept(`${stack.url}/api/admin/${path}`, { headers: ADMIN_BEARER });
      expect(res.status).toBe(200);
    }
    await fetchKept(`${stack.url}/api/admin/athletes`, { headers: { authorization: "Bearer wrong-token-wrong-token" } });
    const callback = await webhookUrl(stack.verbDb, stack.url);
    await fetchKept(`${callback}?hub.mode=subscribe&hub.challenge=x&hub.verify_token=wrong`);

    const secrets = {
      code,
      session: sessionCookie.split("=")[1]!,
      adminToken: TEST_ADMIN_TOKEN,
      clientSecret: stack.config.strava.clientSecret,
      sessionSecret: stack.config.sessionSecret,
      verifyToken: stack.config.strava.verifyToken!,
      webhookSecret: callback.slice(callback.lastIndexOf("/") + 1),
      encryptionKeyBase64: stack.config.tokenEncryptionKey.toString("base64"),
      encryptionKeyHex: stack.config.tokenEncryptionKey.toString("hex"),
      accessToken: firstTokens[0]!,
      refreshToken: firstTokens[1]!,
      refreshedAccessToken: refreshedTokens[0]!,
      refreshedRefreshToken: refreshedTokens[1]!,
    };
    const logs = logLines.join("");
    const bodies = responses.join("\n");
    expect(logLines.length).toBeGreaterThan(5);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(logs.includes(secret), `${name} appears in the logs`).toBe(false);
      expect(bodies.includes(secret), `${name} appears in a response`).toBe(false);
    }
  });
});
