import { z } from "zod";
import { ConfigError, envSchema, parseEnv, withoutTrailingSlash, type Env } from "../config.js";

/** config.ts's own variables, with the app credentials required (no session secret or key needed). */
const schema = envSchema
  .pick({ STRAVA_API_URL: true, STRAVA_VERIFY_TOKEN: true, PUBLIC_URL: true, DATABASE_URL: true })
  .extend({
    STRAVA_CLIENT_ID: envSchema.shape.STRAVA_CLIENT_ID.pipe(z.number({ error: "is required" })),
    STRAVA_CLIENT_SECRET: envSchema.shape.STRAVA_CLIENT_SECRET.pipe(z.string({ error: "is required" })),
  });

export interface SubscriptionEnv {
  apiUrl: string;
  clientId: number;
  clientSecret: string;
  verifyToken: string | undefined;
  /** PUBLIC_URL: the callback is `${publicUrl}/webhooks/strava/<secret stored in the database>`. */
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
}

/** Only what the subscription script needs, parsed by config.ts's rules. */
export function subscriptionEnv(env: Env): SubscriptionEnv | { error: string } {
  try {
    const e = parseEnv(schema, env);
    return {
      apiUrl: withoutTrailingSlash(e.STRAVA_API_URL),
      clientId: e.STRAVA_CLIENT_ID,
      clientSecret: e.STRAVA_CLIENT_SECRET,
      verifyToken: e.STRAVA_VERIFY_TOKEN,
      publicUrl: e.PUBLIC_URL ? withoutTrailingSlash(e.PUBLIC_URL) : undefined,
      databaseUrl: e.DATABASE_URL,
    };
  } catch (err) {
    if (err instanceof ConfigError) return { error: err.message.replace(/^Invalid configuration: /, "") };
    throw err;
  }
}
