import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { AppContext } from "../context.js";
import { athleteRoutes } from "../athletes/routes.js";
import { authRoutes } from "../auth/routes.js";
import { session } from "../auth/session.js";
import { raceRoutes } from "../races/routes.js";
import type { FeedListener } from "../stream/listener.js";
import { streamRoutes } from "../stream/routes.js";
import { limitBodySize } from "./body-limit.js";
import { healthRoutes } from "./health.js";
import { adminRoutes } from "../admin/routes.js";
import { metricsRoutes } from "../ops/routes.js";
import { handleError } from "./handle-error.js";
import { staticWeb } from "./static-web.js";
import { webhookRoutes } from "../webhooks/routes.js";

export type AppEnv = { Variables: { requestId: string } };

export interface AppOptions {
  /** Serve the built dashboard from dist/web (web role). */
  web: boolean;
  /** The change-feed listener behind GET /api/stream (web role). */
  feed?: FeedListener;
}

/** The HTTP plumbing every racesync server shares: request ids, secure headers, body limit, errors. */
export function createBaseApp(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(secureHeaders({ contentSecurityPolicy: contentSecurityPolicy() }));
  app.use(limitBodySize(256 * 1024));
  app.onError(handleError(ctx.log));
  return app;
}

export function createApp(ctx: AppContext, opts: AppOptions = { web: true }): Hono<AppEnv> {
  const app = createBaseApp(ctx);
  if (ctx.config.corsOrigins.length > 0) app.use("/api/*", cors({ origin: ctx.config.corsOrigins, credentials: true }));
  app.route("/", healthRoutes(ctx));
  app.route("/", metricsRoutes(ctx, opts.feed));
  // Before every API route: sets c.var.viewer (session cookie or admin bearer token).
  if (opts.web) app.use("/api/*", session(ctx)).use("/auth/*", session(ctx));
  if (opts.web) app.route("/api/admin", adminRoutes(ctx));
  if (opts.web) app.route("/", webhookRoutes(ctx));
  if (opts.web) {
    app.route("/", authRoutes(ctx));
    app.route("/", athleteRoutes(ctx));
    app.route("/", raceRoutes(ctx));
    if (opts.feed) app.route("/", streamRoutes(ctx, opts.feed));
    app.route("/", staticWeb({ demo: ctx.config.demo }));
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
