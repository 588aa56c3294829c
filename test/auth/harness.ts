import type { Hono } from "hono";
import { loadConfig } from "../../src/config.js";
import { createContext, type AppContext } from "../../src/context.js";
import { createApp, type AppEnv } from "../../src/http/app.js";
import { createLog } from "../../src/log.js";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";
import type { StravaActivity } from "../../src/strava/types.js";
import type { FeedListener } from "../../src/stream/listener.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { simulatorEnv } from "../support/sim-env.js";

export const ADMIN_TOKEN = "admin-token-0123456789abcdef";
export const PUBLIC_URL = "http://racesync.test";

export interface Harness {
  sim: Simulator;
  simUrl: string;
  database: TestDatabase;
  ctx: AppContext;
  app: Hono<AppEnv>;
  /** Rebuilds the app after a config change (e.g. dashboardVisibility) or to attach a feed listener. */
  rebuild(opts?: { feed?: FeedListener }): void;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const sim = createSimulator({ webhookRetryDelayMs: 20 });
  const { url: simUrl, close: closeSim } = await sim.listen(0);
  const database = await createTestDatabase();
  const config = loadConfig({
    ...simulatorEnv(sim, simUrl),
    ADMIN_TOKEN,
    PUBLIC_URL,
    DATABASE_URL: database.url,
    LOG_LEVEL: "silent",
    ...env,
  });
  const ctx = createContext(config, database, createLog("silent"));
  const h: Harness = {
    sim, simUrl, database, ctx,
    app: createApp(ctx, { web: true }),
    rebuild(opts = {}) {
      h.app = createApp(ctx, { web: true, feed: opts.feed });
    },
    async close() {
      await ctx.strava.close();
      await database.destroy();
      await closeSim();
    },
  };
  return h;
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
