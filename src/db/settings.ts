import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { settings } from "./schema.js";

/** A random value for a stored secret: 32 bytes, base64url (URL-safe, 43 characters). */
export const randomSecret = () => randomBytes(32).toString("base64url");

/**
 * The value stored under `key`, created with `create()` by whichever process asks first; every
 * process (and the command-line tools) then reads the same one. Two statements on purpose: a
 * single insert-or-select would not see a row committed by a concurrent first writer.
 */
export async function storedSetting(db: Db, key: string, create: () => string = randomSecret): Promise<string> {
  await db.insert(settings).values({ key, value: create() }).onConflictDoNothing({ target: settings.key });
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row!.value;
}

/** Replaces the value stored under `key` (a secret rotated on purpose). */
export async function replaceSetting(db: Db, key: string, value: string): Promise<void> {
  await db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value, updated_at: new Date() } });
}
