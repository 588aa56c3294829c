import type { Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import type { Config } from "../config.js";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { addJob } from "../db/jobs.js";
import { jobFor, type WebhookEvent } from "./event.js";

/**
 * Queues again the job of every stored event still waiting (`queued`) for longer than
 * `graceSeconds` whose job key names no job at all: nothing acknowledged is ever left behind.
 * Graphile Worker's add_jobs can drop a keyed job when a worker locks the existing one in the same
 * instant, and a job superseded while its pool died is never run. (A job that failed for good keeps
 * its key and is left to an admin's retry.) Returns how many events were queued again.
 */
export async function requeueOrphanedEvents(db: Db, config: Pick<Config, "activitySyncDebounceMs">, graceSeconds: number): Promise<number> {
  const orphans = await db.execute<{ payload: WebhookEvent }>(sql`
    select e.payload from webhook_events e
    where e.outcome = 'queued' and e.received_at < now() - make_interval(secs => ${graceSeconds})
      and not exists (select 1 from graphile_worker._private_jobs j where j.key = e.job_key)
    order by e.id limit 1000`);
  for (const { payload } of orphans) {
    const job = jobFor(payload, config.activitySyncDebounceMs);
    if (job) await addJob(db, job.task, job.payload, job.options);
  }
  return orphans.length;
}

export const EVENT_REQUEUE_TASK = "webhook-requeue";
/** Every minute; events younger than a minute are left alone (their job may be being written). */
export const EVENT_REQUEUE_CRONTAB = `* * * * * ${EVENT_REQUEUE_TASK} ?priority=5&max=1`;
const GRACE_S = 60;

/** `webhook-requeue` (crontab, every minute): see requeueOrphanedEvents. */
export function eventRequeueTask(ctx: AppContext): Task {
  return async () => {
    const requeued = await requeueOrphanedEvents(ctx.db, ctx.config, GRACE_S);
    if (requeued > 0) ctx.log.warn({ requeued }, "queued again the webhook events whose job had gone missing");
  };
}
