import type { Hono } from "hono";
import { loadConfig, type Config } from "../../src/config.js";
import { createContext, type AppContext } from "../../src/context.js";
import { Hono as HonoApp } from "hono";
import { athleteRoutes } from "../../src/athletes/routes.js";
import { authRoutes } from "../../src/auth/routes.js";
import { session } from "../../src/auth/session.js";
import { handleError } from "../../src/http/handle-error.js";
import { raceRoutes } from "../../src/races/routes.js";
import { streamRoutes } from "../../src/stream/routes.js";
import { createLog } from "../../src/log.js";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";
import { decryptToken } from "../../src/strava/token-crypto.js";
import type { Strava } from "../../src/strava/index.js";
import type { StravaActivity } from "../../src/strava/types.js";
import type { FeedListener } from "../../src/stream/listener.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

export const ADMIN_TOKEN = "admin-token-0123456789abcdef";
export const PUBLIC_URL = "http://racesync.test";

export interface Harness {
  sim: Simulator;
  simUrl: string;
  database: TestDatabase;
  ctx: AppContext;
  app: Hono;
  /** Rebuilds the app after a config change (e.g. dashboardVisibility) or to attach a feed listener. */
  rebuild(opts?: { feed?: FeedListener }): void;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const sim = createSimulator({ webhookRetryDelayMs: 20 });
  const { url: simUrl, close: closeSim } = await sim.listen(0);
  const database = await createTestDatabase();
  const config = loadConfig({
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${simUrl}/api/v3`,
    STRAVA_OAUTH_URL: `${simUrl}/oauth`,
    SESSION_SECRET: "s".repeat(48),
    TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
    ADMIN_TOKEN,
    PUBLIC_URL,
    DATABASE_URL: database.url,
    LOG_LEVEL: "silent",
    ...env,
  });
  const ctx = contextFor(config, database);
  const h: Harness = {
    sim, simUrl, database, ctx,
    app: buildApp(ctx),
    rebuild(opts = {}) {
      h.app = buildApp(ctx, opts.feed);
    },
    async close() {
      await (ctx.strava as Partial<{ close(): Promise<void> }>).close?.();
      await database.destroy();
      await closeSim();
    },
  };
  return h;
}

/**
 * The routes of this feature as src/http/app.ts mounts them (session first, one error mapper), without
 * the other features' routers, so these tests do not depend on work in progress elsewhere.
 */
function buildApp(ctx: AppContext, feed?: FeedListener): Hono {
  const app = new HonoApp();
  app.onError(handleError(ctx.log));
  app.use("/api/*", session(ctx)).use("/auth/*", session(ctx));
  app.route("/", authRoutes(ctx)).route("/", athleteRoutes(ctx)).route("/", raceRoutes(ctx));
  if (feed) app.route("/", streamRoutes(ctx, feed));
  return app;
}

/**
 * The real context. Until the Strava layer (src/strava/index.ts) is implemented, its OAuth half is
 * stood in for by plain HTTP calls to the simulator, so these tests exercise the real dance.
 */
function contextFor(config: Config, database: TestDatabase): AppContext {
  const log = createLog("silent");
  try {
    return createContext(config, database, log);
  } catch {
    const base = { config, database, db: database.db, sql: database.sql, log };
    return { ...base, strava: oauthOnlyStrava(base) } as AppContext;
  }
}

function oauthOnlyStrava(ctx: Pick<AppContext, "config" | "sql">): Strava {
  const { oauthUrl, clientId, clientSecret } = ctx.config.strava;
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${oauthUrl}${path}`, { method: "POST", body: new URLSearchParams(form) });
    if (!res.ok) throw new Error(`${path} → ${res.status}`);
    return res.json();
  };
  return {
    exchangeCode: (code: string) =>
      post("/token", { client_id: String(clientId), client_secret: clientSecret, code, grant_type: "authorization_code" }),
    async deauthorize(athleteId: number) {
      const [row] = await ctx.sql<{ access_token_enc: string | null }[]>`select access_token_enc from athletes where strava_id = ${athleteId}`;
      if (!row?.access_token_enc) return;
      await post("/deauthorize", { access_token: decryptToken(ctx.config.tokenEncryptionKey, row.access_token_enc) });
    },
  } as unknown as Strava;
}

/** A tiny cookie jar for driving the app like a browser. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly h: Harness) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.h.app.request(path, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  }

  json(path: string, method: string, body: unknown): Promise<Response> {
    return this.request(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }
}

/** Login → the simulator's authorize page (approving as `athleteId`) → the callback URL it redirects to. */
export async function authorizeAt(h: Harness, browser: Browser, athleteId: number): Promise<string> {
  const login = await browser.request("/auth/strava/login");
  const authorize = new URL(login.headers.get("location")!);
  h.sim.oauth.nextAthleteId = athleteId;
  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(approved.headers.get("location")!);
  return `${callback.pathname}${callback.search}`;
}

/** The whole dance; returns the signed-in browser. */
export async function signIn(h: Harness, athleteId: number): Promise<Browser> {
  const browser = new Browser(h);
  const res = await browser.request(await authorizeAt(h, browser, athleteId));
  if (res.status !== 302) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return browser;
}

let nextActivityId = 7_000_000_000;

/** A Strava race activity as the API returns it (only the fields racesync reads). */
export function raceActivity(athleteId: number, o: Partial<StravaActivity> = {}): StravaActivity {
  const start = o.start_date ?? "2024-05-01T08:00:00Z";
  return {
    id: ++nextActivityId, athlete: { id: athleteId }, name: "Race", sport_type: "Run", workout_type: 1,
    distance: 10_000, moving_time: 2400, elapsed_time: 2450, total_elevation_gain: 12,
    start_date: start, start_date_local: start, timezone: "(GMT+00:00) Europe/London", ...o,
  };
}
