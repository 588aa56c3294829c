import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { AppContext } from "./context.js";
import { athleteRoutes } from "./athletes/routes.js";
import { authRoutes } from "./athletes/connect-routes.js";
import { sameOriginOnly } from "./auth/csrf.js";
import { currentViewer, session, sessionCookie } from "./auth/session.js";
import { raceRoutes } from "./races/routes.js";
import { feedView } from "./races/rules.js";
import type { FeedListener } from "./stream/listener.js";
import { streamRoutes, type StreamOptions } from "./stream/routes.js";
import { accessLog } from "./http/access-log.js";
import { limitBodySize } from "./http/body-limit.js";
import { adminRoutes } from "./admin/routes.js";
import { metricsOf } from "./ops/metrics/racesync.js";
import { metricsRoutes } from "./ops/routes.js";
import { handleError } from "./http/handle-error.js";
import { staticWeb } from "./http/static-web.js";
import { webhookRoutes } from "./webhooks/routes.js";
import { webhookRouteSpecs } from "./webhooks/openapi.js";
import { API_VERSION, apiRoutes } from "./contract/api.js";
import { openApiDocument, type RouteSpecs } from "./http/openapi.js";

export type AppEnv = { Variables: { requestId: string } };

/** Every route of the HTTP contract: GET /api/openapi.json documents these. */
export const routeSpecs: RouteSpecs = { ...apiRoutes, ...webhookRouteSpecs };

export interface AppOptions {
  /** Serve the built dashboard from dist/web (web role). */
  web: boolean;
  /** The change-feed listener behind GET /api/stream (web role). */
  feed?: FeedListener;
}

/** The HTTP plumbing every racesync server shares: request ids, access log, secure headers, body limit, errors. */
export function createBaseApp(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  const httpDuration = metricsOf(ctx).httpRequestDuration;
  app.use(accessLog(ctx.log, (r) => httpDuration.observe({ method: r.method, route: r.route, status: r.status }, r.seconds)));
  app.use(secureHeaders({ contentSecurityPolicy: contentSecurityPolicy() }));
  app.use(limitBodySize(256 * 1024));
  app.onError(handleError(ctx.log));
  return app;
}

/** Every route but the probes, which http/server.ts answers from the first moment of start-up. */
export function createApp(ctx: AppContext, opts: AppOptions = { web: true }): Hono<AppEnv> {
  const app = createBaseApp(ctx);
  if (ctx.config.corsOrigins.length > 0) app.use("/api/*", cors({ origin: ctx.config.corsOrigins, credentials: true }));
  app.use("/api/*", compress()); // gzip for JSON over 1 KiB; the event stream is never buffered
  app.route("/", metricsRoutes(ctx, opts.feed));
  if (opts.web) {
    // Before every API route: refuse cross-site cookie requests, then set c.var.viewer (session cookie or admin bearer token).
    const csrf = sameOriginOnly(ctx.config);
    app.use("/api/*", csrf, session(ctx)).use("/auth/*", csrf, session(ctx));
  }
  if (opts.web) app.route("/api/admin", adminRoutes(ctx));
  if (opts.web) app.route("/", webhookRoutes(ctx));
  if (opts.web) {
    app.route("/", openApiRoutes(ctx));
    app.route("/", authRoutes(ctx));
    app.route("/", athleteRoutes(ctx));
    app.route("/", raceRoutes(ctx));
    // Asked again at every heartbeat: a viewer signed out, blocked or no longer admin is cut off or re-filtered.
    if (opts.feed) app.route("/", streamRoutes(opts.feed, async (c) => feedView(ctx.config, await currentViewer(ctx, c)), streamOptions(ctx)));
    app.route("/", staticWeb({ demo: ctx.config.demo }));
  }
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}

function streamOptions(ctx: AppContext): StreamOptions {
  return { heartbeatMs: ctx.config.sseHeartbeatSeconds * 1000, caps: { ...ctx.config.sseMaxStreams, sessionCookie: sessionCookie(ctx.config) }, log: ctx.log.child({ component: "stream" }) };
}

function openApiRoutes(ctx: AppContext): Hono {
  const app = new Hono();
  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get("/api/openapi.json", (c) => c.json((document ??= openApiDocument(routeSpecs, { version: API_VERSION, sessionCookie: sessionCookie(ctx.config) }))));
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
