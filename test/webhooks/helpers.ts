import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppContext } from "../../src/context.js";
import { handleError } from "../../src/http/handle-error.js";
import { replaceSetting } from "../../src/db/settings.js";
import { WEBHOOK_SECRET_SETTING, webhookPath } from "../../src/webhooks/credentials.js";
import type { ReceiverOptions } from "../../src/webhooks/receiver.js";
import { webhookRoutes } from "../../src/webhooks/routes.js";
import type { TestSql } from "../support/test-sql.js";

export { storeSubscriptionId } from "../../src/subscription/settings.js";

export const VERIFY_TOKEN = "verify-me-please";
export const SUBSCRIPTION_ID = 120_000;

/** The receiver's configuration: only its verify token matters (it never calls Strava). */
export const RECEIVER_ENV = { STRAVA_VERIFY_TOKEN: VERIFY_TOKEN };

/** The callback's secret in the receiver tests' databases (stored by receiverApp), and its path. */
export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";
export const WEBHOOK_PATH = webhookPath(WEBHOOK_SECRET);

/** The webhook routes behind the app's own error handler, driven with app.request(), at WEBHOOK_PATH. */
export async function receiverApp(ctx: AppContext, opts: ReceiverOptions = {}): Promise<Hono> {
  await replaceSetting(ctx.db, WEBHOOK_SECRET_SETTING, WEBHOOK_SECRET);
  const app = new Hono();
  app.use(requestId());
  app.onError(handleError(ctx.log));
  app.route("/", webhookRoutes(ctx, opts));
  return app;
}

/** POSTs a body (JSON-encoded unless a string or bytes) to the webhook route. */
export function postEvent(app: Hono, body: unknown, path = WEBHOOK_PATH): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
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


export async function counts(sql: TestSql): Promise<{ events: number; jobs: number }> {
  const [row] = await sql<{ events: number; jobs: number }[]>`
    select (select count(*)::int from webhook_events) as events,
           (select count(*)::int from graphile_worker._private_jobs) as jobs`;
  return row!;
}
