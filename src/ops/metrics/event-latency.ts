import type { WorkerEvents } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { Metrics } from "./racesync.js";

/**
 * Event → race latency: when an activity-sync job (`syncTask`) succeeds, every webhook event it marked
 * "synced" contributes (processed_at − received_at), measured on the database clock.
 */
export function observeEventLatency(events: WorkerEvents, db: Db, metrics: Metrics, syncTask: string): void {
  events.on("job:success", ({ job }) => {
    if (job.task_identifier !== syncTask) return;
    const activityId = Number((job.payload as { activityId?: unknown })?.activityId);
    if (!Number.isSafeInteger(activityId)) return;
    void latencies(db, activityId, job.locked_at)
      .then((seconds) => seconds.forEach((s) => metrics.eventToRace.observe({}, s)))
      .catch(() => undefined);
  });
}

async function latencies(db: Db, activityId: number, lockedAt: Date | null): Promise<number[]> {
  const rows = await db.execute<{ s: number }>(sql`
    select extract(epoch from processed_at - received_at)::float8 as s from webhook_events
    where object_type = 'activity' and object_id = ${activityId} and outcome = 'synced'
      and processed_at >= coalesce(${lockedAt}::timestamptz, now() - interval '1 minute')`);
  return rows.map((r) => r.s);
}
