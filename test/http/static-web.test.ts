import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createContext, type AppContext } from "../../src/context.js";
import { createApp } from "../../src/http/app.js";
import { createLog } from "../../src/log.js";
import { ensureWebBuild } from "../e2e/support/web-build.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const production = {
  STRAVA_CLIENT_ID: "1",
  STRAVA_CLIENT_SECRET: "secret",
  SESSION_SECRET: "s".repeat(40),
  TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
};

describe("the dashboard's pages", () => {
  let db: TestDatabase;
  const contexts: AppContext[] = [];
  const appFor = (env: Record<string, string>) => {
    const ctx = createContext(loadConfig({ ...env, DATABASE_URL: db.url, LOG_LEVEL: "silent" }), db, createLog("silent"));
    contexts.push(ctx);
    return createApp(ctx, { web: true });
  };
  beforeAll(async () => {
    await ensureWebBuild();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.strava.close();
    await db.destroy();
  });

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

  it("answers unknown API paths with a JSON 404, not the page", async () => {
    const res = await appFor(production).request("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
