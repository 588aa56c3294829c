// `npm run rotate-key` (in the image: `node dist/cli/rotate-key.js`): re-encrypts every stored
// Strava token under TOKEN_ENCRYPTION_KEY, reading the old ones with TOKEN_ENCRYPTION_KEY_PREVIOUS.
import { z } from "zod";
import { ConfigError, envSchema, parseEnv, readEnvironment } from "../config.js";
import { connectDatabase } from "../db/client.js";
import { resealQueuedRevokes } from "../athletes/revoke-at-strava.js";
import { resealToken, ROTATION_RETRY, rotateTokenKeys } from "../strava/key-rotation.js";
import { keyIdOf } from "../strava/token-crypto.js";

const rotationEnv = envSchema.pick({ DATABASE_URL: true, TOKEN_ENCRYPTION_KEY: true, TOKEN_ENCRYPTION_KEY_PREVIOUS: true }).extend({
  DATABASE_URL: z.string({ error: "is required (the database holding the tokens)" }).url(),
  TOKEN_ENCRYPTION_KEY: envSchema.shape.TOKEN_ENCRYPTION_KEY.refine((k) => k !== undefined, "is required (the new key)"),
});

async function main(): Promise<number> {
  let env: z.infer<typeof rotationEnv>;
  try {
    env = parseEnv(rotationEnv, readEnvironment());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 1;
  }
  const current = env.TOKEN_ENCRYPTION_KEY!;
  const previous = env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
  if (previous?.equals(current)) {
    console.error("TOKEN_ENCRYPTION_KEY_PREVIOUS is the same key as TOKEN_ENCRYPTION_KEY: set the new key as TOKEN_ENCRYPTION_KEY");
    return 1;
  }
  const database = connectDatabase(env.DATABASE_URL, { max: 2 });
  try {
    const keys = { current, previous };
    const result = await rotateTokenKeys(database.db, keys, (line) => console.log(line));
    const revokes = await resealQueuedRevokes(database.db, (stored, slot) => resealToken(keys, stored, slot), ROTATION_RETRY);
    console.log(`  ${revokes.resealed} queued Strava revocations re-encrypted`);
    if (result.failed.length > 0) {
      console.error(`✗ ${result.failed.length} athletes' tokens could not be decrypted with either key (athletes ${result.failed.join(", ")}); they were left as they are: set TOKEN_ENCRYPTION_KEY_PREVIOUS to the key that encrypted them and run again, or ask those athletes to reconnect`);
      return 1;
    }
    if (revokes.failed.length > 0) {
      console.error(`✗ the queued revocations of athletes ${revokes.failed.join(", ")} hold tokens neither key decrypts; set TOKEN_ENCRYPTION_KEY_PREVIOUS to the key that encrypted them and run again`);
      return 1;
    }
    console.log(`✓ every token is now encrypted under key ${keyIdOf(current)}: TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed`);
    return 0;
  } finally {
    await database.close();
  }
}

process.exit(await main());
