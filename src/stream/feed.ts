import { sql } from "drizzle-orm";
import type { StreamEventName, StreamEvents } from "../contract/stream.js";
import type { Db } from "../db/client.js";

/** The Postgres NOTIFY channel every process publishes changes on and web processes LISTEN to. */
export const FEED_CHANNEL = "racesync_feed";

/**
 * One change, as published. `athlete_id` (whose change it is) and, for races, `board` (whether the
 * race was on the club board before the change and is after it) let each web process decide who
 * may receive it; browsers get only `data`.
 */
export type FeedMessage = {
  [E in StreamEventName]: { event: E; athlete_id: number; board?: BoardChange; data: StreamEvents[E] };
}[StreamEventName];

/** A race's place on the club board before and after a change (see races/rules.ts). */
export interface BoardChange {
  before: boolean;
  after: boolean;
}

/** NOTIFY payloads must stay under 8000 bytes; oversized log metadata is dropped, never the event. */
const MAX_PAYLOAD = 7500;

/** The one way a change reaches the dashboards; it is sent when the caller's transaction commits. */
export async function publish(db: Db, message: FeedMessage): Promise<void> {
  await db.execute(sql`select pg_notify(${FEED_CHANNEL}, ${encode(message)})`);
}

/** Several changes in one round trip (e.g. every race of a departing athlete). */
export async function publishAll(db: Db, messages: FeedMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.execute(sql`select pg_notify(${FEED_CHANNEL}, m) from unnest(${sql.param(messages.map(encode))}::text[]) m`);
}

export function encode(message: FeedMessage): string {
  const text = JSON.stringify(message);
  if (text.length <= MAX_PAYLOAD) return text;
  return JSON.stringify({ ...message, data: { ...message.data, metadata: { truncated: true } } }).slice(0, MAX_PAYLOAD);
}
