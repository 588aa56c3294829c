import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import type { StravaActivity } from "../strava/types.js";
import { stepCursor } from "./page-cursor.js";
import { fetchPage } from "./page-fetch.js";
import { pageProgress } from "./page-progress.js";
import { claimPage, openPageRun, pagePayloadSchema, queuePage, type PagedTask, type PageRun, type RunCursor } from "./page-run.js";
import { logRun, updateRun } from "./runs.js";

/** What differs between the history tasks; the page-per-job mechanics are shared. */
export interface PageHandler {
  spec: PagedTask;
  /** Where a new run starts paging. */
  startCursor(ctx: AppContext, run: PageRun): RunCursor | Promise<RunCursor>;
  /** Writes one page's new activities (in the page transaction). */
  apply(tx: Sql, run: PageRun, cursor: RunCursor, fresh: StravaActivity[]): Promise<{ upserted: number; cursor?: Partial<RunCursor> }>;
  /** Ends the run after its last page (same transaction). */
  finish(tx: Sql, run: PageRun, cursor: RunCursor, activitiesSeen: number): Promise<void>;
}

/**
 * A history task that does ONE page per job. The page's writes, the cursor, the counts and the job
 * for the next page commit in one transaction, so a crash at any point resumes exactly where the
 * last commit left off; an admin's cancel is honoured before every page (openPageRun).
 */
export function pagedTask(ctx: AppContext, handler: PageHandler): Task {
  return async (raw, helpers) => {
    const run = await openPageRun(ctx, pagePayloadSchema.parse(raw));
    if (!run) return;
    const cursor = run.cursor ?? (await handler.startCursor(ctx, run));
    const page = await fetchPage(ctx, helpers, run, cursor, handler.spec.stravaPriority);
    if (!page) return;
    const step = stepCursor(cursor, page);
    await ctx.sql.begin(async (t) => {
      const tx = t as unknown as Sql;
      if (!(await claimPage(tx, run))) return;
      const applied = await handler.apply(tx, run, cursor, step.fresh);
      const progress = pageProgress(run, cursor, step, applied.cursor);
      await updateRun(tx, run.id, { ...progress, racesUpserted: applied.upserted });
      await logRun(tx, run.id, "info", `page ${run.pages + 1}: ${step.fresh.length} activities, ${applied.upserted} races upserted`, {
        before: cursor.before ?? null,
        after: cursor.after ?? null,
        returned: page.length,
      });
      if (!step.done) return queuePage(tx, handler.spec, run, run.pages + 1);
      await handler.finish(tx, run, progress.cursor, run.activitiesSeen + step.fresh.length);
    });
  };
}
