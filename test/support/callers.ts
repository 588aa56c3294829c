import { sessionCookie } from "../../src/auth/session.js";
import { signToken } from "../../src/auth/signing.js";
import type { Config } from "../../src/config.js";

/** ADMIN_TOKEN of every racesync a test starts. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

/** Headers of a request sent with the admin bearer token. */
export const ADMIN_BEARER: Readonly<Record<string, string>> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/**
 * Headers of racesync's own page signed in as `athleteId`: a session cookie signed as racesync's
 * sign-in signs it (valid for an hour), and the page's Origin, as a browser sends it.
 */
export function sessionHeaders(config: Config, athleteId: number): Record<string, string> {
  const iat = Math.floor(Date.now() / 1000);
  const cookie = `${sessionCookie(config)}=${signToken(config.sessionSecret, { sub: athleteId, ver: 0, iat, exp: iat + 3600 })}`;
  return { cookie, origin: new URL(config.publicUrl).origin };
}

export type Caller = "anonymous" | "member" | "admin-session" | "admin-token";

/** Headers for each kind of caller (sessions are real signed cookies of connected athletes). */
export function headersFor(caller: Caller, config: Config, ids: { member: number; admin: number }): Record<string, string> {
  if (caller === "member") return sessionHeaders(config, ids.member);
  if (caller === "admin-session") return sessionHeaders(config, ids.admin);
  if (caller === "admin-token") return { ...ADMIN_BEARER };
  return {};
}

/** A JSON request over HTTP; the answer's status and parsed body. */
export async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : null };
}
