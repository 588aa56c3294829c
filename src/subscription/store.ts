import type { SubscriptionEnv } from "./env.js";
import type { Say } from "./output.js";
import { manualStoreCommand, saveSubscriptionId } from "./settings.js";

/** Records the id in `settings`, so the receiver drops events of any other subscription. */
export async function rememberSubscription(env: SubscriptionEnv, id: number | null, s: Say): Promise<boolean> {
  if (!env.databaseUrl) return true; // only `delete` runs without a database: nothing to forget there
  try {
    await saveSubscriptionId(env.databaseUrl, id);
    if (id === null) s.ok("Forgot the subscription id in the database");
    else s.ok(`Stored subscription id ${id} in the database: events from any other subscription are dropped`);
    return true;
  } catch (err) {
    s.fail(`Could not store the subscription id in the database: ${(err as Error).message}`);
    if (id !== null) s.info(`Store it by hand: ${manualStoreCommand(id)}`);
    return false;
  }
}
