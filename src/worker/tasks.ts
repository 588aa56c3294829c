import type { TaskList } from "graphile-worker";
import type { AppContext } from "../context.js";
import { MAINTENANCE_CRONTAB, maintenanceTask } from "../ops/maintenance.js";

/** Every Graphile Worker task racesync runs, by identifier. Features register theirs here. */
export function makeTasks(ctx: AppContext): TaskList {
  return {
    maintenance: maintenanceTask(ctx),
  };
}

/** Graphile Worker crontab (low-frequency maintenance and reconciliation). */
export function makeCrontab(_ctx: AppContext): string {
  return [MAINTENANCE_CRONTAB].join("\n");
}
