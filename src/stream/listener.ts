import postgres from "postgres";
import type { Log } from "../log.js";
import { FEED_CHANNEL, type FeedMessage } from "./feed.js";

/** What a subscriber (one SSE client) is told: each change with its id, and the shutdown. */
export interface FeedSubscriber {
  message(message: FeedMessage, id: number): void;
  close(): void;
}

export interface FeedListener {
  /** Returns the unsubscribe function. */
  subscribe(subscriber: FeedSubscriber): () => void;
  subscriberCount(): number;
  /** Closes every subscriber's stream, then the LISTEN connection. */
  close(): Promise<void>;
}

/**
 * The web process's one LISTEN connection on FEED_CHANNEL, fanned out in memory to every SSE client.
 * postgres.js re-establishes the connection and re-issues LISTEN after a drop; notifications sent
 * while it was down are lost (clients refetch on reconnect).
 */
export async function startFeedListener(databaseUrl: string, log: Log): Promise<FeedListener> {
  const subscribers = new Set<FeedSubscriber>();
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, idle_timeout: 0 });
  let lastId = 0;

  const deliver = (payload: string) => {
    const message = parse(payload, log);
    if (!message) return;
    const id = ++lastId;
    for (const s of subscribers) s.message(message, id);
  };
  await sql.listen(FEED_CHANNEL, deliver, () => log.debug({ channel: FEED_CHANNEL }, "listening for changes"));

  return {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    },
    subscriberCount: () => subscribers.size,
    async close() {
      for (const s of subscribers) s.close();
      subscribers.clear();
      await sql.end({ timeout: 5 });
    },
  };
}

function parse(payload: string, log: Log): FeedMessage | null {
  try {
    const message = JSON.parse(payload) as FeedMessage;
    return typeof message.event === "string" && Number.isSafeInteger(message.athlete_id) ? message : null;
  } catch {
    log.warn({ length: payload.length }, "ignoring a malformed change notification");
    return null;
  }
}
