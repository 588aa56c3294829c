import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

/**
 * Which of these activities Strava confirmed deleted (a 404 for their owner, recorded as a
 * `deleted` event outcome) since `since`. A sync that fetched an activity before such a delete
 * must not write it back: the delete wins. Deletes lock the athlete row more strongly than syncs
 * (ownerState "update"), so one that commits while a sync writes is seen by this check.
 */
export async function deletedSince(db: Db, activityIds: number[], since: Date | null): Promise<Set<number>> {
  if (activityIds.length === 0 || !since) return new Set();
  const rows = await db.execute<{ id: number }>(sql`
    select distinct object_id as id from webhook_events
    where object_type = 'activity' and object_id = any(${sql.param(activityIds)}::bigint[])
      and outcome = 'deleted' and processed_at >= ${since}::timestamptz`);
  return new Set(rows.map((r) => Number(r.id)));
}
