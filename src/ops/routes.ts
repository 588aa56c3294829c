import { Hono } from "hono";
import type { AppContext } from "../context.js";
import type { FeedListener } from "../stream/listener.js";
import { metricsOf } from "./metrics/racesync.js";

/** `GET /metrics` in Prometheus text format; served by every role. */
export function metricsRoutes(ctx: AppContext, feed?: FeedListener): Hono {
  const metrics = metricsOf(ctx);
  if (feed) metrics.registry.onCollect(async () => metrics.sseClients.set({}, feed.subscriberCount()));
  const app = new Hono();
  app.get("/metrics", async (c) => {
    const text = await metrics.registry.render();
    return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}
