import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

export const SYNC_LOG_RETENTION_DAYS = 7;
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

export interface RetentionResult {
  syncLogs: number;
  webhookEvents: number;
}

/** Deletes sync logs older than 7 days, webhook events and their activity runs older than 30, per-athlete call counts older than 2. */
export async function applyRetention(db: Db): Promise<RetentionResult> {
  const logs = await db.execute(sql`delete from sync_logs where at < now() - make_interval(days => ${SYNC_LOG_RETENTION_DAYS})`);
  const events = await db.execute(sql`delete from webhook_events where received_at < now() - make_interval(days => ${WEBHOOK_EVENT_RETENTION_DAYS})`);
  await db.execute(sql`delete from athlete_api_calls where hour < now() - interval '2 days'`);
  // One activity run per handled webhook job: kept as long as the events that link to them.
  await db.execute(sql`delete from sync_runs where kind = 'activity' and created_at < now() - make_interval(days => ${WEBHOOK_EVENT_RETENTION_DAYS})`);
  return { syncLogs: logs.count, webhookEvents: events.count };
}

/** Hourly `maintenance` task (crontab). Recovery of dead workers' jobs runs in every worker process. */
export function maintenanceTask(ctx: AppContext): Task {
  return async (_payload, helpers) => {
    const deleted = await applyRetention(ctx.db);
    ctx.log.info({ job: helpers.job.id, task: MAINTENANCE_TASK, deleted }, "log retention applied");
  };
}

export const MAINTENANCE_TASK = "maintenance";
export const MAINTENANCE_CRONTAB = `0 * * * * ${MAINTENANCE_TASK}`;
