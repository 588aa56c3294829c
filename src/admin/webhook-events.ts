import { eq, sql } from "drizzle-orm";
import type { AdminWebhookEvent } from "../contract/admin.js";
import { withTransaction, type Db } from "../db/client.js";
import { addJob } from "../db/jobs.js";
import { webhookEvents } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import { jobFor, webhookEventSchema } from "../webhooks/event.js";

/** Recent webhook events, newest first. */
export async function listWebhookEvents(db: Db, f: { limit: number; outcome?: string }): Promise<AdminWebhookEvent[]> {
  return db.execute<AdminWebhookEvent>(sql`
    select e.id, e.object_type, e.aspect_type, e.object_id, e.owner_id,
      e.updates, to_json(e.received_at) #>> '{}' as received_at, to_json(e.processed_at) #>> '{}' as processed_at,
      e.outcome, e.error, e.job_key, e.run_id, r.strava_activity_id
    from webhook_events e
    left join races r on e.object_type = 'activity' and r.strava_activity_id = e.object_id
    where ${f.outcome ?? null}::text is null or e.outcome = ${f.outcome ?? null}
    order by e.id desc limit ${f.limit}`);
}

/** Queues the stored event's job again (no debounce) and marks the event queued. */
export async function replayWebhookEvent(db: Db, eventId: number): Promise<{ job_key: string }> {
  const [row] = await db.select({ payload: webhookEvents.payload }).from(webhookEvents).where(eq(webhookEvents.id, eventId));
  if (!row) throw notFound(`webhook event ${eventId}`);
  const job = jobFor(webhookEventSchema.parse(row.payload), 0);
  if (!job) throw new AppError("CONFLICT", `webhook event ${eventId} asks for no work`);
  await withTransaction(db, async (tx) => {
    await addJob(tx, job.task, job.payload, job.options);
    await tx
      .update(webhookEvents)
      .set({ outcome: "queued", error: null, processed_at: null, job_key: job.options.jobKey })
      .where(eq(webhookEvents.id, eventId));
  });
  return { job_key: job.options.jobKey };
}
