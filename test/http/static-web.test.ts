import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { ensureWebBuild } from "../e2e/support/web-build.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const production = {
  STRAVA_CLIENT_ID: "1",
  STRAVA_CLIENT_SECRET: "secret",
  STRAVA_VERIFY_TOKEN: "verify",
  SESSION_SECRET: "s".repeat(40),
  TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
};

describe("the dashboard's pages", () => {
  let db: TestDatabase;
  const appFor = (env: Record<string, string>) => createApp(db.context({ env }).ctx, { web: true });
  beforeAll(async () => {
    await ensureWebBuild();
    db = await createTestDatabase();
  });
  afterAll(() => db.destroy());

  it("serves index.html for client-side routes and tells the page when it runs in demo mode", async () => {
    const demoApp = appFor({});
    for (const path of ["/", "/admin"]) {
      const demo = await demoApp.request(path);
      expect(demo.status).toBe(200);
      expect(await demo.text()).toContain('<meta name="racesync-mode" content="demo" />');
    }

    const real = await appFor(production).request("/me");
    expect(real.status).toBe(200);
    const html = await real.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toContain("racesync-mode");
  });

  it("caches hashed assets for a year, sends them compressed ahead of time, and revalidates the page", async () => {
    const app = appFor(production);
    const page = await app.request("/races");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())![1]!;
    const plain = await app.request(asset);
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = await plain.arrayBuffer();
    for (const encoding of ["br", "gzip"]) {
      const res = await app.request(asset, { headers: { "accept-encoding": encoding } });
      expect(res.headers.get("content-encoding")).toBe(encoding);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await res.arrayBuffer()).byteLength).toBeLessThan(body.byteLength / 2);
    }
  });

  it("gzips the API's JSON answers", async () => {
    await db.sql`insert into athletes (strava_id, firstname, lastname, share_on_board) values (7, 'Ada', 'Lovelace', true)`; // on the public board
    await db.sql`
      insert into races (strava_activity_id, athlete_id, name, sport_type, distance, moving_time, elapsed_time, start_date, start_date_local)
      select 700 + i, 7, 'Race ' || i, 'Run', 10000, 2400, 2450, now() - make_interval(days => i), '2026-01-01T09:00:00Z'
      from generate_series(1, 30) i`;
    const app = appFor({ ...production, DASHBOARD_VISIBILITY: "public" });
    const large = await app.request("/api/races?limit=30", { headers: { "accept-encoding": "gzip" } });
    expect(large.headers.get("content-encoding")).toBe("gzip");
    const page = JSON.parse(gunzipSync(Buffer.from(await large.arrayBuffer())).toString("utf8")) as { races: unknown[] };
    expect(page.races).toHaveLength(30);
  });

  it("answers unknown API paths with a JSON 404, not the page", async () => {
    const res = await appFor(production).request("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
