import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { stepCursor } from "./page-cursor.js";
import { fetchPage } from "./page-fetch.js";
import { pageProgress } from "./page-progress.js";
import { claimPage, openPageRun, pagePayloadSchema, queuePage, type PagedTask } from "./page-run.js";
import { applyPage } from "./reconcile-page.js";
import { sweepRun } from "./reconcile-sweep.js";
import { startingCursor } from "./reconcile-window.js";
import { logRun, updateRun } from "./runs.js";

export const RECONCILE_TASK: PagedTask = {
  task: "athlete-reconcile",
  // One key per run: a superseded run's last page must not replace its successor's job.
  jobKey: (run) => `reconcile:${run.id}`,
  jobPriority: 30,
  stravaPriority: "reconcile",
};

/**
 * `athlete-reconcile` {athleteId, runId, mode: "reconcile"|"full", dryRun?, page?}: one page per
 * job (mode and dry run are read from the run row). Pages upsert at once; removals wait for the
 * sweep after the last page. An admin's cancel is honoured before every page.
 */
export function athleteReconcileTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const run = await openPageRun(ctx, pagePayloadSchema.parse(raw));
    if (!run) return;
    const cursor = run.cursor ?? (await startingCursor(ctx.sql, ctx.config, run));
    const page = await fetchPage(ctx, helpers, run, cursor, RECONCILE_TASK.stravaPriority);
    if (!page) return;
    const step = stepCursor(cursor, page);
    await ctx.sql.begin(async (t) => {
      const tx = t as unknown as Sql;
      if (!(await claimPage(tx, run))) return;
      const plan = await applyPage(tx, run, cursor, step.fresh);
      const progress = pageProgress(run, cursor, step, plan.cursor);
      await updateRun(tx, run.id, { ...progress, racesUpserted: plan.upserted });
      await logRun(tx, run.id, "info", `page ${run.pages + 1}: ${step.fresh.length} activities, ${plan.upserted} races upserted`, {
        before: cursor.before ?? null,
        after: cursor.after ?? null,
        returned: page.length,
      });
      if (!step.done) return queuePage(tx, RECONCILE_TASK, run, run.pages + 1);
      await sweepRun(tx, ctx.config, run, progress.cursor);
    });
  };
}
