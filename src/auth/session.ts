import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { and, eq, ne, not, sql } from "drizzle-orm";
import type { Config } from "../config.js";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { athletes } from "../db/schema.js";
import { forbidden, unauthenticated } from "../http/errors.js";
import { epochSeconds, safeEqual, signToken, verifyToken } from "./signing.js";

/** Who is asking: a signed-in athlete, the bearer-token admin (athleteId null), or nobody (null). */
export type Viewer = { athleteId: number; isAdmin: boolean } | { athleteId: null; isAdmin: true } | null;
export type ViewerEnv = { Variables: { requestId: string; viewer: Viewer } };

const SESSION_SECONDS = 30 * 24 * 3600;

/**
 * `ver` is the athlete's session version when the session began: logging out, disconnecting and
 * being blocked bump it, which ends every session of the athlete at once. `gen` is when the
 * athlete's row was created (ms): an athlete deleted and connected again starts afresh, version 0
 * included, and sessions of the old row must not come back to life. (Sessions issued before
 * versions existed carry neither and count as version 0.)
 */
interface SessionPayload { sub: number; ver?: number; gen?: number; iat: number; exp: number }

/** A cookie's name: `__Host-` prefixed on https, so only this exact origin can set it. */
export const cookieName = (config: Config, name: string) => (isHttps(config) ? `__Host-${name}` : name);
export const sessionCookie = (config: Config) => cookieName(config, "rs_session");
const isHttps = (config: Config) => config.publicUrl.startsWith("https:");

export function cookieBase(config: Config) {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(config) } as const;
}

/** Admin rights come from ADMIN_ATHLETE_IDS as it is now (every athlete in demo mode), never from a stored flag. */
export const isAdminAthlete = (config: Config, athleteId: number) => config.demo || config.adminAthleteIds.includes(athleteId);

export async function startSession(c: Context, ctx: AppContext, athleteId: number): Promise<void> {
  const [row] = await ctx.db
    .select({ version: athletes.session_version, created_at: athletes.created_at })
    .from(athletes)
    .where(eq(athletes.strava_id, athleteId));
  const iat = epochSeconds();
  const generation = { ver: row?.version ?? 0, gen: row?.created_at.getTime() };
  const token = signToken(ctx.config.sessionSecret, { sub: athleteId, ...generation, iat, exp: iat + SESSION_SECONDS });
  setCookie(c, sessionCookie(ctx.config), token, { ...cookieBase(ctx.config), maxAge: SESSION_SECONDS });
}

/** Forgets the session in this browser; endAllSessions is what makes a copy of the cookie useless. */
export function endSession(c: Context, config: Config): void {
  deleteCookie(c, sessionCookie(config), cookieBase(config));
}

/** Ends every session of the athlete, in every browser, at once. */
export async function endAllSessions(db: Db, athleteId: number): Promise<void> {
  await db
    .update(athletes)
    .set({ session_version: sql`${athletes.session_version} + 1` })
    .where(eq(athletes.strava_id, athleteId));
}

/** Sets `c.var.viewer` from the admin bearer token or the session cookie (checked against the DB). */
export function session(ctx: AppContext): MiddlewareHandler<ViewerEnv> {
  return async (c, next) => {
    c.set("viewer", await resolveViewer(ctx, c));
    await next();
  };
}

/**
 * The viewer of a long-lived request as of now (an open stream's heartbeat): a session that was
 * valid when the request began and has ended since (logout, block, disconnect) is a 401.
 */
export async function currentViewer(ctx: AppContext, c: Context<ViewerEnv>): Promise<Viewer> {
  const viewer = await resolveViewer(ctx, c);
  if (c.var.viewer && !viewer) throw unauthenticated("your session has ended");
  return viewer;
}

/** Does the request carry `Authorization: Bearer $ADMIN_TOKEN`? */
export function hasAdminBearer(c: Context, config: Config): boolean {
  const bearer = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return Boolean(bearer && config.adminToken && safeEqual(bearer, config.adminToken));
}

async function resolveViewer(ctx: AppContext, c: Context): Promise<Viewer> {
  if (hasAdminBearer(c, ctx.config)) return { athleteId: null, isAdmin: true };
  const payload = verifyToken<SessionPayload>(ctx.config.sessionSecret, getCookie(c, sessionCookie(ctx.config)));
  if (!payload || !Number.isSafeInteger(payload.sub)) return null;
  return (await sessionIsLive(ctx.db, payload)) ? { athleteId: payload.sub, isAdmin: isAdminAthlete(ctx.config, payload.sub) } : null;
}

/**
 * A session is only as good as its athlete: blocked, deauthorized or deleted athletes are signed
 * out, and so is a session of an older version or of an earlier row of the same athlete.
 */
async function sessionIsLive(db: Db, payload: SessionPayload): Promise<boolean> {
  const [row] = await db
    .select({ version: athletes.session_version, created_at: athletes.created_at })
    .from(athletes)
    .where(and(eq(athletes.strava_id, payload.sub), not(athletes.is_blocked), ne(athletes.status, "deauthorized")));
  const sameRow = payload.gen === undefined || payload.gen === row?.created_at.getTime();
  return row !== undefined && row.version === (payload.ver ?? 0) && sameRow;
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
