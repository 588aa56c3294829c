import type { Sql } from "../db/client.js";
import { AppError, notFound } from "../http/errors.js";
import { webhookEventSchema } from "../webhooks/event.js";
import { jobFor } from "../webhooks/routing.js";
import { addJob } from "../worker/jobs.js";

export interface AdminWebhookEvent {
  id: number;
  object_type: string;
  aspect_type: string;
  object_id: number;
  owner_id: number;
  updates: unknown;
  received_at: string;
  processed_at: string | null;
  outcome: string;
  error: string | null;
  job_key: string | null;
  run_id: number | null;
  /** The race this event concerns, when a race row exists for the activity. */
  strava_activity_id: number | null;
}

/** Recent webhook events, newest first. */
export async function listWebhookEvents(sql: Sql, f: { limit: number; outcome?: string }): Promise<AdminWebhookEvent[]> {
  return sql<AdminWebhookEvent[]>`
    select e.id::int as id, e.object_type, e.aspect_type, e.object_id::float8 as object_id, e.owner_id::float8 as owner_id,
      e.updates, to_json(e.received_at) #>> '{}' as received_at, to_json(e.processed_at) #>> '{}' as processed_at,
      e.outcome, e.error, e.job_key, e.run_id::float8 as run_id, r.strava_activity_id::float8 as strava_activity_id
    from webhook_events e
    left join races r on e.object_type = 'activity' and r.strava_activity_id = e.object_id
    where ${f.outcome ?? null}::text is null or e.outcome = ${f.outcome ?? null}
    order by e.id desc limit ${f.limit}`;
}

/** Queues the stored event's job again (no debounce) and marks the event queued. */
export async function replayWebhookEvent(sql: Sql, eventId: number): Promise<{ job_key: string }> {
  const [row] = await sql<{ payload: unknown }[]>`select payload from webhook_events where id = ${eventId}`;
  if (!row) throw notFound(`webhook event ${eventId}`);
  const job = jobFor(webhookEventSchema.parse(row.payload), 0);
  if (!job) throw new AppError("CONFLICT", `webhook event ${eventId} asks for no work`);
  await sql.begin(async (tx) => {
    await addJob(tx as unknown as Sql, job.task, job.payload, job.options);
    await tx`update webhook_events set outcome = 'queued', error = null, processed_at = null, job_key = ${job.options.jobKey} where id = ${eventId}`;
  });
  return { job_key: job.options.jobKey };
}
