import { connectDatabase, type Db } from "../db/client.js";
import { callbackUrlOf, rotateWebhookSecret, webhookSecret } from "../webhooks/credentials.js";

/**
 * racesync's callback URL: PUBLIC_URL plus the secret path segment stored in the database (created
 * there if no racesync process has yet). `rotate` replaces the secret first: the old URL then 404s.
 */
export async function readCallbackUrl(databaseUrl: string, publicUrl: string, opts: { rotate?: boolean } = {}): Promise<string> {
  const secret = await withDatabase(databaseUrl, (db) => (opts.rotate ? rotateWebhookSecret(db) : webhookSecret(db))).catch((err: unknown) => {
    throw new CallbackSecretUnavailable(err);
  });
  return callbackUrlOf(publicUrl, secret);
}

/** The database at DATABASE_URL could not give the callback's secret. */
export class CallbackSecretUnavailable extends Error {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    super(`Could not read the callback URL's secret from the database at DATABASE_URL (${reason}): is it racesync's, migrated (start racesync once, or npm run db:migrate)?`);
  }
}

/** Runs `fn` on a connection of the script's own, closed afterwards. */
export async function withDatabase<T>(databaseUrl: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = connectDatabase(databaseUrl, { max: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}
