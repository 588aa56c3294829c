import { SESSION_COOKIE } from "../../src/auth/session.js";
import { signToken } from "../../src/auth/signing.js";
import type { Config } from "../../src/config.js";
import { TEST_ADMIN_TOKEN } from "../support/stack.js";

export type Caller = "anonymous" | "member" | "admin-session" | "admin-token";

/** Headers for each kind of caller (sessions are real signed cookies of connected athletes). */
export function headersFor(caller: Caller, config: Config, ids: { member: number; admin: number }): Record<string, string> {
  const cookie = (sub: number) => {
    const iat = Math.floor(Date.now() / 1000);
    return { cookie: `${SESSION_COOKIE}=${signToken(config.sessionSecret, { sub, iat, exp: iat + 3600 })}` };
  };
  if (caller === "member") return cookie(ids.member);
  if (caller === "admin-session") return cookie(ids.admin);
  if (caller === "admin-token") return { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  return {};
}

export async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : null };
}
