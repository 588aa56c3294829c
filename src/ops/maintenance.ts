import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";

export const SYNC_LOG_RETENTION_DAYS = 7;
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

export interface RetentionResult {
  syncLogs: number;
  webhookEvents: number;
}

/** Deletes sync logs older than 7 days, webhook events older than 30, per-athlete call counts older than 2. */
export async function applyRetention(sql: Sql): Promise<RetentionResult> {
  const logs = await sql`delete from sync_logs where at < now() - make_interval(days => ${SYNC_LOG_RETENTION_DAYS})`;
  const events = await sql`delete from webhook_events where received_at < now() - make_interval(days => ${WEBHOOK_EVENT_RETENTION_DAYS})`;
  await sql`delete from athlete_api_calls where hour < now() - interval '2 days'`;
  return { syncLogs: logs.count, webhookEvents: events.count };
}

/** Hourly `maintenance` task (crontab). Recovery of dead workers' jobs runs in every worker process. */
export function maintenanceTask(ctx: AppContext): Task {
  return async (_payload, helpers) => {
    const deleted = await applyRetention(ctx.sql);
    ctx.log.info({ job: helpers.job.id, task: "maintenance", deleted }, "log retention applied");
  };
}

export const MAINTENANCE_CRONTAB = "0 * * * * maintenance";
