import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { loadConfig, type Config } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import type { Database, Sql } from "../../src/db/client.js";
import { handleError } from "../../src/http/handle-error.js";
import { createLog } from "../../src/log.js";
import { webhookRoutes } from "../../src/webhooks/routes.js";

export { storeSubscriptionId } from "../../src/subscription/settings.js";

export const VERIFY_TOKEN = "verify-me-please";
export const SUBSCRIPTION_ID = 120_000;

export function testConfig(): Config {
  return loadConfig({ STRAVA_VERIFY_TOKEN: VERIFY_TOKEN, LOG_LEVEL: "silent" });
}

/** The receiver never calls Strava, so its context carries no Strava layer. */
export function receiverContext(database: Database, config = testConfig()): AppContext {
  const log = createLog("silent");
  return { config, database, db: database.db, sql: database.sql, log, strava: undefined as never };
}

/** The webhook routes behind the app's own error handler, driven with app.request(). */
export function receiverApp(ctx: AppContext): Hono {
  const app = new Hono();
  app.use(requestId());
  app.onError(handleError(ctx.log));
  app.route("/", webhookRoutes(ctx));
  return app;
}

export function postEvent(app: Hono, body: unknown): Promise<Response> {
  return Promise.resolve(
    app.request("/webhooks/strava", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

let nextTime = 1_760_000_000;

export function activityEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aspect_type: "update",
    event_time: nextTime++,
    object_id: 10_000_000_001,
    object_type: "activity",
    owner_id: 1000,
    subscription_id: SUBSCRIPTION_ID,
    updates: { title: "Morning race" },
    ...over,
  };
}


export async function counts(sql: Sql): Promise<{ events: number; jobs: number }> {
  const [row] = await sql<{ events: number; jobs: number }[]>`
    select (select count(*)::int from webhook_events) as events,
           (select count(*)::int from graphile_worker._private_jobs) as jobs`;
  return row!;
}
