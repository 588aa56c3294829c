import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.js";
import { cookieBase, cookieName } from "../auth/session.js";
import { epochSeconds, safeEqual, signToken, verifyToken } from "../auth/signing.js";

/**
 * CSRF protection of the OAuth dance: the `state` sent to Strava is signed and expires in 10 minutes,
 * and its random nonce must match a short-lived cookie only this browser holds.
 */
const STATE_COOKIE = "rs_oauth_state";
const STATE_SECONDS = 600;

export function issueState(c: Context, config: Config): string {
  const nonce = randomBytes(16).toString("base64url");
  // Path "/" (cookieBase): a `__Host-` cookie may have no other.
  setCookie(c, cookieName(config, STATE_COOKIE), nonce, { ...cookieBase(config), maxAge: STATE_SECONDS });
  return signToken(config.sessionSecret, { n: nonce, exp: epochSeconds() + STATE_SECONDS });
}

export type StateCheck = "ok" | "missing" | "invalid" | "mismatch";

/** Checks the returned state against its signature, expiry and this browser's cookie (used once). */
export function checkState(c: Context, config: Config, state: string | undefined): StateCheck {
  const nonce = getCookie(c, cookieName(config, STATE_COOKIE));
  deleteCookie(c, cookieName(config, STATE_COOKIE), cookieBase(config));
  if (!state) return "missing";
  const payload = verifyToken<{ n: string; exp: number }>(config.sessionSecret, state);
  if (!payload || typeof payload.n !== "string") return "invalid";
  return nonce && safeEqual(nonce, payload.n) ? "ok" : "mismatch";
}
