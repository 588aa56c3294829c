import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionHeaders, TEST_ADMIN_TOKEN } from "../support/callers.js";
import { startHarness, PUBLIC_URL, type Harness } from "../support/harness.js";

interface Route { method: string; path: string }

/** Every route that changes something under /api and /auth, read from the app itself: a new one cannot be left out. */
function changingRoutes(h: Harness): Route[] {
  const routes = h.app.routes
    .filter((r) => !["GET", "HEAD", "OPTIONS", "ALL"].includes(r.method) && /^\/(api|auth)\//.test(r.path))
    .map((r) => ({ method: r.method, path: r.path }));
  return routes.filter((r, i) => routes.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}

const CROSS_SITE = "https://evil.example";
const JSON_BODY = { "content-type": "application/json" };

/** Browser-like requests, each signed in with a session cookie, and whether racesync must refuse them as cross-site. */
const REFUSED: Array<[string, Record<string, string>, string | undefined, string]> = [
  ["another site's Origin", { origin: CROSS_SITE, ...JSON_BODY }, "{}", "origin"],
  ["no Origin and no Sec-Fetch-Site", JSON_BODY, "{}", "origin"],
  ["Sec-Fetch-Site: cross-site without Origin", { "sec-fetch-site": "cross-site", ...JSON_BODY }, "{}", "origin"],
  ["Origin null (a sandboxed page)", { origin: "null", ...JSON_BODY }, "{}", "origin"],
  ["an HTML form's content type", { origin: PUBLIC_URL, "content-type": "application/x-www-form-urlencoded" }, "is_hidden=true", "content-type"],
  ["text/plain", { origin: PUBLIC_URL, "content-type": "text/plain" }, "{}", "content-type"],
  ["a body without a content type", { origin: PUBLIC_URL }, "{}", "content-type"],
];

const ALLOWED: Array<[string, Record<string, string>, string | undefined]> = [
  ["racesync's Origin with JSON", { origin: PUBLIC_URL, ...JSON_BODY }, "{}"],
  ["racesync's Origin and no body", { origin: PUBLIC_URL }, undefined],
  ["Sec-Fetch-Site: same-origin with JSON", { "sec-fetch-site": "same-origin", ...JSON_BODY }, "{}"],
];

/** Admins are named by ADMIN_ATHLETE_IDS: enough ids for a fresh admin per request of the allowed cases. */
const ADMIN_IDS = Array.from({ length: 64 }, (_, i) => 7_400_001 + i);

describe("cross-site request forgery", () => {
  let h: Harness;
  let routes: Route[];
  let admin: number;
  beforeAll(async () => {
    h = await startHarness({ env: { ADMIN_ATHLETE_IDS: ADMIN_IDS.join(",") } });
    routes = changingRoutes(h);
    admin = await newAdmin();
  });
  afterAll(() => h.close());

  async function newAdmin(): Promise<number> {
    const id = ADMIN_IDS.shift();
    if (id === undefined) throw new Error("add ids to ADMIN_IDS: every allowed request needs a fresh admin");
    const { athleteId } = await h.connect({ athleteId: h.sim.seedAthlete({ id }).id });
    return athleteId;
  }
  const cookieOf = (athleteId: number) => sessionHeaders(h.config, athleteId).cookie!;
  const send = (route: Route, headers: Record<string, string>, body?: string) =>
    h.app.request(route.path.replace(/:[a-zA-Z]+/g, "1"), { method: route.method, headers, body });

  it("finds every signed-in route that changes something", () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining([
      "POST /auth/logout", "POST /auth/strava/disconnect", "PATCH /api/me", "PATCH /api/races/:stravaActivityId",
      "PATCH /api/admin/athletes/:stravaId", "POST /api/admin/athletes/:stravaId/sync", "POST /api/admin/athletes/:stravaId/sync/stop",
      "POST /api/admin/reconcile", "POST /api/admin/queue/jobs/:id/retry", "POST /api/admin/webhook-events/:id/replay",
    ]));
  });

  it.each(REFUSED)("refuses a signed-in request with %s on every such route (403 CROSS_SITE_REQUEST), changing nothing", async (_case, headers, body, field) => {
    for (const route of routes) {
      const res = await send(route, { cookie: cookieOf(admin), ...headers }, body);
      const label = `${route.method} ${route.path}`;
      expect(res.status, label).toBe(403);
      expect((await res.json()).error, label).toMatchObject({ code: "CROSS_SITE_REQUEST", field });
    }
    // Not logged out, not disconnected: the admin's row and session version are as they were.
    expect(await h.sql`select 1 from athletes where strava_id = ${admin} and session_version = 0`).toHaveLength(1);
  });

  it.each(ALLOWED)("lets a signed-in request with %s through on every such route", async (_case, headers, body) => {
    for (const route of routes) {
      const res = await send(route, { cookie: cookieOf(await newAdmin()), ...headers }, body);
      const label = `${route.method} ${route.path}: ${res.status}`;
      expect(res.status, label).toBeLessThan(500);
      if (res.status === 403) expect((await res.json()).error.code, label).not.toBe("CROSS_SITE_REQUEST");
    }
  });

  it("lets bearer-token requests through whatever their origin: they are not the browser's", async () => {
    for (const route of routes.filter((r) => r.path.startsWith("/api/admin/"))) {
      const res = await send(route, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, cookie: cookieOf(admin), origin: CROSS_SITE, ...JSON_BODY }, "{}");
      expect(res.status, `${route.method} ${route.path}`).not.toBe(403);
    }
  });
});
