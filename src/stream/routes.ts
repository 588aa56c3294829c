import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppContext } from "../context.js";
import type { Viewer, ViewerEnv } from "../auth/session.js";
import { athleteScope, scopeAllows, type AthleteScope } from "../auth/visibility.js";
import type { FeedMessage } from "./feed.js";
import type { FeedListener } from "./listener.js";

const HEARTBEAT_MS = 15_000;

/** GET /api/stream: the change feed as Server-Sent Events, filtered per viewer. */
export function streamRoutes(ctx: AppContext, feed: FeedListener): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  app.get("/api/stream", (c) => {
    const viewer = c.var.viewer;
    const scope = athleteScope(ctx.config, viewer);
    return streamSSE(c, async (stream) => {
      let finish = () => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const unsubscribe = feed.subscribe({
        message(message, id) {
          if (!mayReceive(viewer, scope, message)) return;
          void stream.writeSSE({ event: message.event, data: JSON.stringify(message.data), id: String(id) });
        },
        close: () => finish(),
      });
      const heartbeat = setInterval(() => void stream.write(": heartbeat\n\n"), HEARTBEAT_MS);
      stream.onAbort(() => finish());
      await stream.write(": connected\n\n");
      await finished;
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return app;
}

/** Race changes follow the dashboard's visibility; sync progress and logs go to admins and their athlete. */
export function mayReceive(viewer: Viewer, scope: AthleteScope, message: FeedMessage): boolean {
  if (message.event === "sync.progress" || message.event === "sync.log") {
    return viewer?.isAdmin === true || viewer?.athleteId === message.athlete_id;
  }
  return scopeAllows(scope, message.athlete_id, message.hidden === true);
}
