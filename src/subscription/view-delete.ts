import { readCallbackUrl } from "./callback.js";
import type { SubscriptionEnv } from "./env.js";
import { COMMAND, type Say } from "./output.js";
import { rememberSubscription } from "./store.js";
import { StravaRefusal, subscriptionApi } from "./strava-api.js";

/** `view`: shows the current subscription, checks its callback URL and stores its id (with DATABASE_URL). */
export async function viewSubscription(env: SubscriptionEnv, s: Say): Promise<number> {
  const current = await subscriptionApi(env).view();
  if (!current) {
    s.fail("This application has no push subscription: Strava sends no events.");
    s.next(`Create one with:  ${COMMAND} create`);
    return 1;
  }
  s.ok(`Subscription ${current.id} → ${current.callback_url}${current.created_at ? ` (created ${current.created_at})` : ""}`);
  if (!env.databaseUrl || !env.publicUrl) {
    s.info("Set DATABASE_URL and PUBLIC_URL to check it against racesync's callback URL (its secret is in the database).");
    return 0;
  }
  const expected = await readCallbackUrl(env.databaseUrl, env.publicUrl);
  if (current.callback_url !== expected) {
    s.fail(`It does not point at this racesync's callback URL (${expected}).`);
    s.next(`To move it:  ${COMMAND} delete ${current.id}  then  ${COMMAND} create`);
  }
  return (await rememberSubscription(env, current.id, s)) ? 0 : 1;
}

/** `delete [id]`: deletes the given subscription, or the current one. */
export async function deleteSubscription(env: SubscriptionEnv, s: Say, id?: number): Promise<number> {
  const api = subscriptionApi(env);
  const target = id ?? (await api.view())?.id;
  if (target === undefined) {
    s.ok("There is no push subscription to delete.");
    return 0;
  }
  try {
    await api.delete(target);
  } catch (err) {
    if (err instanceof StravaRefusal && err.status === 404) {
      s.fail(`Strava has no subscription ${target} for this application.`);
      s.next(`See the current one with:  ${COMMAND} view`);
      return 1;
    }
    throw err;
  }
  s.ok(`Deleted subscription ${target}: Strava sends no more events.`);
  const forgotten = await rememberSubscription(env, null, s);
  s.next(`Create a new one with:  ${COMMAND} create`);
  return forgotten ? 0 : 1;
}
