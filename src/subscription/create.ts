import { checkCallback, type CallbackProblem } from "./check-callback.js";
import type { SubscriptionEnv } from "./env.js";
import { COMMAND, type Say } from "./output.js";
import { readCallbackUrl } from "./callback.js";
import { rememberSubscription } from "./store.js";
import { StravaRefusal, subscriptionApi } from "./strava-api.js";

/**
 * `create`: asks Strava for the push subscription, its callback carrying the stored secret, and
 * explains any refusal in plain words. `newSecret` rotates the secret first (no subscription may exist).
 */
export async function createSubscription(env: SubscriptionEnv, s: Say, opts: { newSecret?: boolean } = {}): Promise<number> {
  if (!env.publicUrl) return missing(s, "PUBLIC_URL", "the address Strava reaches racesync at, e.g. https://club.example.org");
  if (!env.verifyToken) return missing(s, "STRAVA_VERIFY_TOKEN", "the same value the running racesync server has");
  if (!env.databaseUrl) return missing(s, "DATABASE_URL", "racesync's database, where the callback URL's secret is kept");
  const api = subscriptionApi(env);
  if (opts.newSecret && (await api.view())) return explainExisting(api, s);
  const callbackUrl = await readCallbackUrl(env.databaseUrl, env.publicUrl, { rotate: opts.newSecret });
  if (opts.newSecret) s.ok("Created a new callback secret: the old callback URL now answers 404.");
  s.info(`Asking Strava to send events to ${callbackUrl} (Strava checks it right away)…`);
  try {
    const created = await api.create(callbackUrl, env.verifyToken);
    s.ok(`Subscription ${created.id} created: Strava will POST activity and athlete events to ${callbackUrl}`);
    const stored = await rememberSubscription(env, created.id, s);
    s.next("Athletes who connect at the dashboard now sync in real time.");
    return stored ? 0 : 1;
  } catch (err) {
    if (!(err instanceof StravaRefusal)) throw err;
    if (err.has("already exists")) return explainExisting(api, s);
    if (err.status === 401) return explainCredentials(s);
    if (err.fields.includes("callback url") || err.has("not verifiable") || err.has("callback")) return explainUnverifiable(callbackUrl, env.verifyToken, s);
    s.fail(err.message);
    return 1;
  }
}

async function explainExisting(api: ReturnType<typeof subscriptionApi>, s: Say): Promise<number> {
  s.fail("Strava already has a push subscription for this application (only one is allowed).");
  const existing = await api.view();
  if (existing) {
    s.info(`Existing: id ${existing.id} → ${existing.callback_url}${existing.created_at ? ` (created ${existing.created_at})` : ""}`);
    s.next(`To replace it, delete it first:  ${COMMAND} delete ${existing.id}`);
    s.next(`then run:  ${COMMAND} create`);
  }
  return 1;
}

function explainCredentials(s: Say): number {
  s.fail("Strava refused the application credentials: check STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (strava.com/settings/api).");
  return 1;
}

const FIXES: Record<CallbackProblem["kind"], string> = {
  unreachable: "Is racesync running, and is PUBLIC_URL its public address (not localhost or a private network)?",
  verify_token: "Give this script and the running server the same STRAVA_VERIFY_TOKEN.",
  status: "Check that PUBLIC_URL points at racesync, that /webhooks/strava/ is not behind a login or a redirect, and that racesync uses this DATABASE_URL (a 404 means another callback secret).",
  wrong_json: "The server must answer with JSON {\"hub.challenge\": <the challenge>}: is it racesync that answers there?",
  slow: "Make the callback answer faster: a cold start or a slow proxy in front of racesync is the usual cause.",
};

async function explainUnverifiable(callbackUrl: string, verifyToken: string, s: Say): Promise<number> {
  s.fail(`Strava could not verify the callback ${callbackUrl}. Checking it from here…`);
  const problem = await checkCallback(callbackUrl, verifyToken);
  if (!problem) {
    s.ok("The callback answers the challenge correctly from this machine.");
    s.next("So Strava cannot reach it: is PUBLIC_URL reachable from the internet (firewall, localhost, private DNS)?");
    return 1;
  }
  s.fail(problem.kind === "unreachable" ? `Could not reach it from here: ${problem.detail}.` : `The callback is wrong: ${problem.detail}.`);
  s.next(FIXES[problem.kind]);
  return 1;
}

function missing(s: Say, variable: string, what: string): number {
  s.fail(`${variable} is not set: ${what}.`);
  return 1;
}
