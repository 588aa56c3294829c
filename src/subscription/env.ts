import { z } from "zod";
import type { Env } from "../config.js";

const schema = z.object({
  STRAVA_CLIENT_ID: z.string({ error: "is required" }).trim().regex(/^\d+$/, "must be a positive integer").transform(Number),
  STRAVA_CLIENT_SECRET: z.string({ error: "is required" }).trim().min(1, "is required"),
  STRAVA_API_URL: z.string().url().default("https://www.strava.com/api/v3"),
  STRAVA_VERIFY_TOKEN: z.string().trim().optional(),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().trim().optional(),
});

export interface SubscriptionEnv {
  apiUrl: string;
  clientId: number;
  clientSecret: string;
  verifyToken: string | undefined;
  callbackUrl: string | undefined;
  databaseUrl: string | undefined;
}

/** Only what the subscription script needs (no session secret or encryption key). */
export function subscriptionEnv(env: Env): SubscriptionEnv | { error: string } {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${String(issue.path[0])} ${issue.message.toLowerCase()}` };
  }
  const e = parsed.data;
  return {
    apiUrl: e.STRAVA_API_URL.replace(/\/$/, ""),
    clientId: e.STRAVA_CLIENT_ID,
    clientSecret: e.STRAVA_CLIENT_SECRET,
    verifyToken: e.STRAVA_VERIFY_TOKEN || undefined,
    callbackUrl: e.PUBLIC_URL ? `${e.PUBLIC_URL.replace(/\/$/, "")}/webhooks/strava` : undefined,
    databaseUrl: e.DATABASE_URL || undefined,
  };
}
