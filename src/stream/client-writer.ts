import type { Context } from "hono";

/** What one stream may hold that its client has not taken yet; a client further behind is closed. */
export const SEND_BUFFER_BYTES = 256 * 1024;

/** One SSE response body, written to directly (no stream in between: one queue per client). */
export interface SseBody {
  /** The response body; the HTTP layer reads it only as fast as the client's socket drains. */
  body: ReadableStream<Uint8Array>;
  /** Queues `text` for the client, or ends the stream (`onOverflow`) when it would pass the send-buffer bound. */
  write(text: string): void;
  /** Bytes queued for the client and not yet taken by its connection. */
  queuedBytes(): number;
  /** Ends the stream after what is queued. */
  close(): void;
  /** Settles once the stream has ended: closed here, overflowed, or cancelled by the client going away. */
  ended: Promise<void>;
}

const encoder = new TextEncoder();

/**
 * An SSE body that never holds more than `maxBytes` for its client. The HTTP layer takes from it
 * only what the socket drains, so a client that stops reading would otherwise grow the server's
 * memory with every change; instead it is cut off (`onOverflow`) and refetches on reconnect.
 * Written straight into the body's queue: with 5,000 open dashboards every layer of streams
 * between a change and the socket is paid 5,000 times.
 */
export function sseBody(maxBytes: number, onOverflow: (queuedBytes: number) => void): SseBody {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  let markEnded = () => {};
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  const end = () => {
    open = false;
    markEnded();
  };
  const body = new ReadableStream<Uint8Array>(
    { start: (c) => void (controller = c), cancel: end },
    new ByteLengthQueuingStrategy({ highWaterMark: maxBytes }),
  );
  const queuedBytes = () => maxBytes - (controller.desiredSize ?? maxBytes);
  return {
    body,
    write(text) {
      if (!open) return;
      const bytes = encoder.encode(text);
      if (queuedBytes() + bytes.byteLength > maxBytes) {
        end();
        onOverflow(queuedBytes());
        return;
      }
      controller.enqueue(bytes);
    },
    queuedBytes,
    close() {
      if (!open) return;
      end();
      controller.close();
    },
    ended,
  };
}

/** One SSE message as sent: `data` is JSON on one line. */
export function sseMessage(event: string, data: unknown, id: number): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`;
}

/**
 * Drops the connection at once (a TCP reset): a graceful end would wait for the client to read
 * what is still queued in the socket, which a stalled client never does.
 */
export function resetConnection(c: Context): void {
  const env = c.env as { incoming?: { socket?: { resetAndDestroy?: () => void; destroy: () => void } } } | undefined;
  const socket = env?.incoming?.socket;
  if (socket?.resetAndDestroy) socket.resetAndDestroy();
  else socket?.destroy();
}
