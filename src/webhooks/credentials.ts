import { randomBytes } from "node:crypto";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { randomSecret, replaceSetting, storedSetting } from "../db/settings.js";
import { safeEqual } from "../auth/signing.js";

/** The unguessable path segment of the callback URL: Strava's events carry no signature, so the URL is the credential. */
export const WEBHOOK_SECRET_SETTING = "strava_webhook_secret";
/** Demo mode's verify token (with Strava credentials, STRAVA_VERIFY_TOKEN is required instead). */
export const VERIFY_TOKEN_SETTING = "strava_verify_token";

/** A wrong secret reloads the stored one at most this often, so a rotation is seen at once but probing costs no queries. */
const RELOAD_AFTER_MS = 1000;

export const webhookPath = (secret: string) => `/webhooks/strava/${secret}`;
export const callbackUrlOf = (publicUrl: string, secret: string) => `${publicUrl}${webhookPath(secret)}`;

/** The callback's secret, created by the first process (or command) that asks. */
export const webhookSecret = (db: Db) => storedSetting(db, WEBHOOK_SECRET_SETTING);

/** Replaces the secret: the old callback URL answers 404 from then on. */
export async function rotateWebhookSecret(db: Db): Promise<string> {
  const secret = randomSecret();
  await replaceSetting(db, WEBHOOK_SECRET_SETTING, secret);
  return secret;
}

/** STRAVA_VERIFY_TOKEN, or in demo mode the one generated and stored for every process. */
export function verifyTokenOf(ctx: Pick<AppContext, "config" | "db">): Promise<string> {
  const configured = ctx.config.strava.verifyToken;
  if (configured !== undefined) return Promise.resolve(configured);
  return storedSetting(ctx.db, VERIFY_TOKEN_SETTING, () => randomBytes(16).toString("hex"));
}

export interface WebhookCredentials {
  /** Is `candidate` the callback's secret? Read from the database once, then from memory. */
  secretMatches(candidate: string): Promise<boolean>;
  verifyToken(): Promise<string>;
}

/** The webhook route's view of both credentials, cached per process. */
export function webhookCredentials(ctx: Pick<AppContext, "config" | "db">): WebhookCredentials {
  const secret = cachedLoad(() => webhookSecret(ctx.db));
  const verifyToken = cachedLoad(() => verifyTokenOf(ctx));
  return {
    async secretMatches(candidate) {
      if (safeEqual(candidate, await secret.get())) return true;
      return secret.reloadable() && safeEqual(candidate, await secret.reload());
    },
    verifyToken: () => verifyToken.get(),
  };
}

/** A value loaded once and kept; a failed load (database down) is tried again next time. */
function cachedLoad(load: () => Promise<string>) {
  let value: Promise<string> | undefined;
  let loadedAt = 0;
  const reload = () => {
    loadedAt = Date.now();
    const attempt: Promise<string> = load().catch((err: unknown) => {
      if (value === attempt) value = undefined;
      throw err;
    });
    value = attempt;
    return attempt;
  };
  return {
    get: () => value ?? reload(),
    reload,
    reloadable: () => Date.now() - loadedAt >= RELOAD_AFTER_MS,
  };
}
