import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Config } from "../config.js";
import { AppError } from "../http/errors.js";
import { hasAdminBearer, sessionCookie } from "./session.js";

const READ_ONLY = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard. A browser sends the session cookie with any request to
 * racesync, whoever's page made it; so a request that changes something on the strength of that
 * cookie must come from racesync's own pages (`Origin` of PUBLIC_URL or of CORS_ORIGINS, or
 * `Sec-Fetch-Site: same-origin`) and carry JSON, which no HTML form can send. Bearer-token
 * requests are not the browser's and pass. Refusals are 403 CROSS_SITE_REQUEST naming the header.
 */
export function sameOriginOnly(config: Config): MiddlewareHandler {
  const trusted = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  return async (c, next) => {
    if (!READ_ONLY.has(c.req.method) && cookieAuthenticated(c, config)) checkSameOrigin(c.req.raw.headers, trusted);
    await next();
  };
}

function cookieAuthenticated(c: Context, config: Config): boolean {
  return getCookie(c, sessionCookie(config)) !== undefined && !hasAdminBearer(c, config);
}

function checkSameOrigin(headers: Headers, trusted: Set<string>): void {
  const origin = headers.get("origin");
  if (!(origin !== null && trusted.has(origin)) && headers.get("sec-fetch-site") !== "same-origin") {
    const seen = origin === null ? "no Origin header" : `Origin ${origin}`;
    throw new AppError("CROSS_SITE_REQUEST", `a signed-in request that changes something must come from racesync's own pages (${seen})`, "origin");
  }
  const type = headers.get("content-type");
  const hasBody = headers.has("transfer-encoding") || Number(headers.get("content-length") ?? 0) > 0;
  if ((hasBody || type !== null) && !isJson(type)) {
    throw new AppError("CROSS_SITE_REQUEST", `a signed-in request with a body must send application/json (got ${type ?? "no content type"})`, "content-type");
  }
}

const isJson = (type: string | null) => type?.split(";")[0]!.trim().toLowerCase() === "application/json";
