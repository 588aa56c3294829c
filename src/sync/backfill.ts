import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import type { StravaActivity } from "../strava/types.js";
import { firstCursor, stepCursor } from "./page-cursor.js";
import { fetchPage, markAthleteSynced } from "./page-fetch.js";
import { pageProgress } from "./page-progress.js";
import { claimPage, finishRun, openPageRun, pagePayloadSchema, queuePage, type PagedTask } from "./page-run.js";
import { visibleRaceIds } from "./reconcile-page.js";
import { logRun, updateRun } from "./runs.js";

export const BACKFILL_TASK: PagedTask = {
  task: "athlete-backfill",
  jobKey: (run) => `backfill:${run.athleteId}`,
  jobPriority: 20,
  stravaPriority: "backfill",
};

/**
 * `athlete-backfill` {athleteId, runId, page?}: ONE page of the athlete's history per job, newest
 * first. The page's races, the cursor, the counts and the job for the next page commit in one
 * transaction, so a crash at any point resumes exactly where the last commit left off.
 */
export function athleteBackfillTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const run = await openPageRun(ctx, pagePayloadSchema.parse(raw));
    if (!run) return;
    const cursor = run.cursor ?? firstCursor("desc");
    const page = await fetchPage(ctx, helpers, run, cursor, BACKFILL_TASK.stravaPriority);
    if (!page) return;
    const step = stepCursor(cursor, page);
    await ctx.sql.begin(async (t) => {
      const tx = t as unknown as Sql;
      if (!(await claimPage(tx, run))) return;
      const upserted = await applyAll(tx, step.fresh, run.id);
      const progress = pageProgress(run, cursor, step);
      await updateRun(tx, run.id, { ...progress, racesUpserted: upserted });
      await logRun(tx, run.id, "info", `page ${run.pages + 1}: ${step.fresh.length} activities, ${upserted} races`, {
        before: cursor.before ?? null,
        returned: page.length,
      });
      if (!step.done) return queuePage(tx, BACKFILL_TASK, run, run.pages + 1);
      await markAthleteSynced(tx, run.athleteId, { newest: progress.cursor.newest, backfill: true });
      await finishRun(tx, run.id, { status: "succeeded" }, `backfill complete: ${run.activitiesSeen + step.fresh.length} activities`);
    });
  };
}

/** Upserts the page's races (non-races are soft-removed if present) and counts visible changes. */
async function applyAll(tx: Sql, activities: StravaActivity[], runId: number): Promise<number> {
  const visible = await visibleRaceIds(tx, activities.map((a) => a.id));
  let upserted = 0;
  // Non-races without a visible race row have nothing to change: skip their queries.
  for (const activity of activities.filter((a) => isRace(a) || visible.has(a.id))) {
    if ((await applyActivity(tx, activity, { runId })) === "upserted") upserted++;
  }
  return upserted;
}
