import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { settings } from "../db/schema.js";
import { SUBSCRIPTION_SETTING } from "../webhooks/store.js";
import { withDatabase } from "./callback.js";

/** Saves (or, with null, forgets) the subscription id the webhook receiver accepts events from. */
export async function storeSubscriptionId(db: Db, id: number | null): Promise<void> {
  if (id === null) {
    await db.delete(settings).where(eq(settings.key, SUBSCRIPTION_SETTING));
    return;
  }
  await db
    .insert(settings)
    .values({ key: SUBSCRIPTION_SETTING, value: String(id) })
    .onConflictDoUpdate({ target: settings.key, set: { value: String(id), updated_at: sql`now()` } });
}

/** The same, for the command-line script, over a connection of its own. */
export const saveSubscriptionId = (databaseUrl: string, id: number | null) => withDatabase(databaseUrl, (db) => storeSubscriptionId(db, id));

export function manualStoreCommand(id: number): string {
  return `psql "$DATABASE_URL" -c "insert into settings (key, value) values ('${SUBSCRIPTION_SETTING}', '${id}') on conflict (key) do update set value = excluded.value"`;
}
