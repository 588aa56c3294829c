import { Hono } from "hono";
import type { Context } from "hono";
import type { ViewerEnv } from "../auth/session.js";
import type { StreamEventName } from "../contract/stream.js";
import type { Log } from "../log.js";
import { streamSlots, type StreamCaps } from "./caps.js";
import { resetConnection, SEND_BUFFER_BYTES, sseBody, sseMessage } from "./client-writer.js";
import type { FeedMessage } from "./feed.js";
import type { FeedListener } from "./listener.js";

/** What one viewer is sent for one change: the event and its data, or nothing. */
export type FeedView = (message: FeedMessage) => { event: StreamEventName; data: unknown } | null;

/**
 * Who receives what, decided from the request (its session or token). Asked when a stream opens
 * and again at every heartbeat, so a viewer who lost access is cut off; it throws (401/403) to
 * refuse or end a stream.
 */
export type FeedAccess = (c: Context<ViewerEnv>) => Promise<FeedView>;

export interface StreamOptions {
  heartbeatMs: number;
  caps: StreamCaps;
  log: Log;
}

/**
 * The reconnection delay each stream asks its browser for (SSE `retry:`), spread over a few
 * seconds so that the dashboards of a restarted web process do not all come back at once.
 */
function retryMs(): number {
  return 2000 + Math.floor(Math.random() * 3000);
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" };

/** GET /api/stream: the change feed as Server-Sent Events, filtered per viewer by `access`. */
export function streamRoutes(feed: FeedListener, access: FeedAccess, opts: StreamOptions): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  const slots = streamSlots(opts.caps);
  app.get("/api/stream", async (c) => {
    let view = await access(c);
    const release = slots.take(c);
    const out = sseBody(SEND_BUFFER_BYTES, (queuedBytes) => {
      opts.log.warn({ queuedBytes, limitBytes: SEND_BUFFER_BYTES }, "closing a stream whose client stopped reading");
      resetConnection(c);
    });
    const unsubscribe = feed.subscribe({
      message(message, id) {
        const sent = view(message);
        if (sent) out.write(sseMessage(sent.event, sent.data, id));
      },
      close: () => out.close(),
    });
    const heartbeat = setInterval(async () => {
      try {
        view = await access(c);
        out.write(": heartbeat\n\n");
      } catch {
        out.close(); // access withdrawn (signed out, blocked…): the stream ends
      }
    }, opts.heartbeatMs);
    void out.ended.then(() => {
      clearInterval(heartbeat);
      unsubscribe();
      release();
    });
    out.write(`: connected\nretry: ${retryMs()}\n\n`);
    return c.newResponse(out.body, 200, SSE_HEADERS);
  });
  return app;
}
