import postgres from "postgres";
import type { Sql } from "../db/client.js";
import { SUBSCRIPTION_SETTING } from "../webhooks/store-events.js";

/** Saves (or, with null, forgets) the subscription id the webhook receiver accepts events from. */
export async function storeSubscriptionId(sql: Sql, id: number | null): Promise<void> {
  if (id === null) await sql`delete from settings where key = ${SUBSCRIPTION_SETTING}`;
  else {
    await sql`
      insert into settings (key, value) values (${SUBSCRIPTION_SETTING}, ${String(id)})
      on conflict (key) do update set value = excluded.value, updated_at = now()`;
  }
}

/** The same, for the command-line script, over a connection of its own. */
export async function saveSubscriptionId(databaseUrl: string, id: number | null): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await storeSubscriptionId(sql, id);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function manualStoreCommand(id: number): string {
  return `psql "$DATABASE_URL" -c "insert into settings (key, value) values ('${SUBSCRIPTION_SETTING}', '${id}') on conflict (key) do update set value = excluded.value"`;
}
