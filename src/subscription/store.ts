import type { SubscriptionEnv } from "./env.js";
import { COMMAND, type Say } from "./output.js";
import { manualStoreCommand, saveSubscriptionId } from "./settings.js";

/** Records the id in `settings`, so the receiver refuses events of any other subscription. */
export async function rememberSubscription(env: SubscriptionEnv, id: number | null, s: Say): Promise<boolean> {
  if (!env.databaseUrl) {
    if (id === null) return true;
    s.info(`DATABASE_URL is not set, so the id was not stored. Store it with:`);
    s.info(`  ${manualStoreCommand(id)}`);
    s.info(`or run \`DATABASE_URL=… ${COMMAND} view\` to store the current subscription's id.`);
    return true;
  }
  try {
    await saveSubscriptionId(env.databaseUrl, id);
    if (id === null) s.ok("Forgot the subscription id in the database");
    else s.ok(`Stored subscription id ${id} in the database: events from any other subscription are refused`);
    return true;
  } catch (err) {
    s.fail(`Could not store the subscription id in the database: ${(err as Error).message}`);
    if (id !== null) s.info(`Store it by hand: ${manualStoreCommand(id)}`);
    return false;
  }
}
