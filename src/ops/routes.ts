import { Hono } from "hono";
import { safeEqual } from "../auth/signing.js";
import type { AppContext } from "../context.js";
import { unauthenticated } from "../http/errors.js";
import type { FeedListener } from "../stream/listener.js";
import { metricsOf } from "./metrics/racesync.js";

/** `GET /metrics` in Prometheus text format; served by every role; closed with METRICS_TOKEN when set. */
export function metricsRoutes(ctx: AppContext, feed?: FeedListener): Hono {
  const metrics = metricsOf(ctx);
  const token = ctx.config.metricsToken;
  const app = new Hono();
  app.get("/metrics", async (c) => {
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (token && !(bearer && safeEqual(bearer, token))) throw unauthenticated("send Authorization: Bearer with METRICS_TOKEN");
    if (feed) metrics.sseClients.set(feed.subscriberCount());
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });
  return app;
}
