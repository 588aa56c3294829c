import type { Hono } from "hono";
import type { AppEnv } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { Simulator } from "../../src/simulator/index.js";

/** What a browser talks to: the app (read at each request, so a rebuilt app is used), its PUBLIC_URL and the simulator. */
interface Site {
  app: Hono<AppEnv>;
  config: Pick<Config, "publicUrl">;
  sim: Simulator;
}

/** A tiny cookie jar for driving the app like a browser. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly site: Site) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    // Like a browser on racesync's own page: requests other than GET say where they come from.
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && !headers.has("origin")) headers.set("origin", new URL(this.site.config.publicUrl).origin);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.site.app.request(path, { ...init, headers });
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
export async function authorizeAt(site: Site, browser: Browser, athleteId: number): Promise<string> {
  const login = await browser.request("/auth/strava/login");
  const authorize = new URL(login.headers.get("location")!);
  site.sim.oauth.nextAthleteId = athleteId;
  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(approved.headers.get("location")!);
  return `${callback.pathname}${callback.search}`;
}

/** The whole OAuth dance; returns the signed-in browser. */
export async function signIn(site: Site, athleteId: number): Promise<Browser> {
  const browser = new Browser(site);
  const res = await browser.request(await authorizeAt(site, browser, athleteId));
  if (res.status !== 302) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return browser;
}
