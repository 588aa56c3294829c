import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppContext } from "../context.js";
import { healthRoutes } from "./health.js";
import { handleError } from "./handle-error.js";
import { staticWeb } from "./static-web.js";
import { webhookRoutes } from "../webhooks/routes.js";

export type AppEnv = { Variables: { requestId: string } };

export interface AppOptions {
  /** Serve the built dashboard from dist/web (web role). */
  web: boolean;
}

export function createApp(ctx: AppContext, opts: AppOptions = { web: true }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(secureHeaders({ contentSecurityPolicy: contentSecurityPolicy() }));
  app.use(bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "request body is larger than 256 KiB" } }, 413) }));
  app.onError(handleError(ctx.log));
  app.route("/", healthRoutes(ctx));
  if (opts.web) app.route("/", webhookRoutes(ctx));
  if (opts.web) {
    app.route("/", staticWeb());
  }
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}

function contentSecurityPolicy() {
  return {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "https:"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
  };
}
