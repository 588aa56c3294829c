import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import { pagedTask, type PagedTaskSpec } from "./paged-task.js";
import { applyPage } from "./reconcile-page.js";
import { sweepRun } from "./reconcile-sweep.js";
import { startingCursor } from "./reconcile-window.js";

export const RECONCILE_TASK: PagedTaskSpec = {
  task: "athlete-reconcile",
  // One key per run: a superseded run's last page must not replace its successor's job.
  jobKey: (run) => `reconcile:${run.id}`,
  jobPriority: 30,
  stravaPriority: "reconcile",
};

/**
 * `athlete-reconcile` {athleteId, runId, mode: "reconcile"|"full", dryRun?, page?}: one page per
 * job (mode and dry run are read from the run row). Pages upsert at once; removals wait for the
 * sweep after the last page (mark-and-sweep, behind the mass-delete guard).
 */
export function athleteReconcileTask(ctx: AppContext): Task {
  return pagedTask(ctx, {
    spec: RECONCILE_TASK,
    startCursor: (c, run) => startingCursor(c.db, c.config, run),
    async apply(tx, run, cursor, fresh) {
      const plan = await applyPage(tx, run, cursor, fresh);
      return { upserted: plan.upserted, cursor: plan.cursor };
    },
    finish: (tx, run, cursor) => sweepRun(tx, ctx.config, run, cursor),
  });
}
