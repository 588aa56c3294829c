import type { TaskList } from "graphile-worker";
import type { AppContext } from "../context.js";
import { MAINTENANCE_CRONTAB, maintenanceTask } from "../ops/maintenance.js";
import { activityDeleteTask } from "../sync/activity-delete.js";
import { activitySyncTask } from "../sync/activity-sync.js";
import { athleteDeauthorizeTask } from "../sync/athlete-deauthorize.js";
import { athleteBackfillTask } from "../sync/backfill.js";
import { activityFollowUpTask } from "../sync/follow-up.js";
import { athleteReconcileTask } from "../sync/reconcile.js";
import { reconcileAllCrontab, reconcileAllTask } from "../sync/reconcile-all.js";

/** Every Graphile Worker task racesync runs, by identifier. Features register theirs here. */
export function makeTasks(ctx: AppContext): TaskList {
  return {
    maintenance: maintenanceTask(ctx),
    "activity-sync": activitySyncTask(ctx),
    "activity-delete": activityDeleteTask(ctx),
    "athlete-deauthorize": athleteDeauthorizeTask(ctx),
    "athlete-backfill": athleteBackfillTask(ctx),
    "athlete-reconcile": athleteReconcileTask(ctx),
    "reconcile-all": reconcileAllTask(ctx),
    "activity-follow-up": activityFollowUpTask(ctx),
  };
}

/** Graphile Worker crontab (low-frequency maintenance and reconciliation). */
export function makeCrontab(ctx: AppContext): string {
  return [MAINTENANCE_CRONTAB, reconcileAllCrontab(ctx)].join("\n");
}
