import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.js";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { forbidden, unauthenticated } from "../http/errors.js";
import { epochSeconds, safeEqual, signToken, verifyToken } from "./signing.js";

/** Who is asking: a signed-in athlete, the bearer-token admin (athleteId null), or nobody (null). */
export type Viewer = { athleteId: number; isAdmin: boolean } | { athleteId: null; isAdmin: true } | null;
export type ViewerEnv = { Variables: { requestId: string; viewer: Viewer } };

export const SESSION_COOKIE = "rs_session";
const SESSION_SECONDS = 30 * 24 * 3600;

interface SessionPayload { sub: number; iat: number; exp: number }

export function startSession(c: Context, config: Config, athleteId: number): void {
  const iat = epochSeconds();
  const token = signToken(config.sessionSecret, { sub: athleteId, iat, exp: iat + SESSION_SECONDS });
  setCookie(c, SESSION_COOKIE, token, { ...cookieBase(config), maxAge: SESSION_SECONDS });
}

export function endSession(c: Context, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, cookieBase(config));
}

export function cookieBase(config: Config) {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: config.publicUrl.startsWith("https:") } as const;
}

/** Sets `c.var.viewer` from the admin bearer token or the session cookie (checked against the DB). */
export function session(ctx: AppContext): MiddlewareHandler<ViewerEnv> {
  return async (c, next) => {
    c.set("viewer", await resolveViewer(ctx, c));
    await next();
  };
}

async function resolveViewer(ctx: AppContext, c: Context): Promise<Viewer> {
  const bearer = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer && ctx.config.adminToken && safeEqual(bearer, ctx.config.adminToken)) return { athleteId: null, isAdmin: true };
  const payload = verifyToken<SessionPayload>(ctx.config.sessionSecret, getCookie(c, SESSION_COOKIE));
  if (!payload || !Number.isSafeInteger(payload.sub)) return null;
  return sessionAthlete(ctx.sql, payload.sub);
}

/** A session is only as good as its athlete: blocked, deauthorized or deleted athletes are signed out. */
async function sessionAthlete(sql: Sql, athleteId: number): Promise<Viewer> {
  const [row] = await sql<{ is_admin: boolean }[]>`
    select is_admin from athletes
    where strava_id = ${athleteId} and not is_blocked and status <> 'deauthorized'`;
  return row ? { athleteId, isAdmin: row.is_admin } : null;
}

/** Any signed-in athlete or admin; anonymous → 401. */
export const requireMember: MiddlewareHandler<ViewerEnv> = async (c, next) => {
  if (!c.var.viewer) throw unauthenticated();
  await next();
};

/** Admins only (bearer token or an admin's session); anonymous → 401, others → 403. */
export const requireAdmin: MiddlewareHandler<ViewerEnv> = async (c, next) => {
  const viewer = c.var.viewer;
  if (!viewer) throw unauthenticated();
  if (!viewer.isAdmin) throw forbidden("admins only");
  await next();
};

/** The signed-in athlete's id; the bearer admin is not an athlete → 401. */
export function athleteOf(viewer: Viewer): number {
  if (!viewer?.athleteId) throw unauthenticated();
  return viewer.athleteId;
}
