import type { Sql } from "../db/client.js";

/** The Postgres NOTIFY channel every process publishes changes on and web processes LISTEN to. */
export const FEED_CHANNEL = "racesync_feed";

export type FeedEventName = "race.upserted" | "race.removed" | "sync.progress" | "sync.log";

/**
 * One change, as published. `athlete_id` and `hidden` let the web process decide who may see it
 * (DASHBOARD_VISIBILITY, hidden athletes); they are not sent to browsers as such.
 */
export interface FeedMessage {
  event: FeedEventName;
  athlete_id: number;
  hidden?: boolean;
  data: unknown;
}

/** NOTIFY payloads must stay under 8000 bytes; oversized metadata is dropped, never the event. */
const MAX_PAYLOAD = 7500;

export async function publish(sql: Sql, message: FeedMessage): Promise<void> {
  await sql`select pg_notify(${FEED_CHANNEL}, ${encode(message)})`;
}

export function encode(message: FeedMessage): string {
  const text = JSON.stringify(message);
  if (text.length <= MAX_PAYLOAD) return text;
  const data = message.data as Record<string, unknown>;
  return JSON.stringify({ ...message, data: { ...data, metadata: { truncated: true } } }).slice(0, MAX_PAYLOAD);
}
