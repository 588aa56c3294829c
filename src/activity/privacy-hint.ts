import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { makeRacePrivate } from "../races/store.js";

/**
 * Strava's update event carries `"private": "true"` when an activity is set to Only You. The race
 * is made private at once, before the fetch that follows (which may wait for the rate limit, or
 * fail and be retried): nobody but its athlete and admins sees it meanwhile. `"false"` only says
 * it is no longer Only You (Everyone or Followers): the fetch decides.
 */
export async function applyPrivacyHint(db: Db, activityId: number, upTo: Date | null): Promise<void> {
  const [latest] = await db.execute<{ private: string }>(sql`
    select updates->>'private' as private from webhook_events
    where object_type = 'activity' and object_id = ${activityId} and outcome = 'queued' and updates ? 'private'
      and received_at <= coalesce(${upTo}::timestamptz, now())
    order by event_time desc, id desc limit 1`);
  if (latest?.private === "true") await makeRacePrivate(db, activityId);
}
