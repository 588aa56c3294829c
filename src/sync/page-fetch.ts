import type { JobHelpers } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { StravaBadRequest, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { Priority, StravaActivity } from "../strava/types.js";
import { deferJob } from "../worker/defer.js";
import { listParams, type PageCursor } from "./page-cursor.js";
import { finishRun, type PageRun } from "./page-run.js";

/**
 * Fetches the run's next page. Returns null when the job must stop here: no budget (the job is
 * deferred to the window's reopening without spending an attempt) or a permanent refusal (the run
 * fails). Transient failures are thrown: Graphile Worker retries them.
 */
export async function fetchPage(
  ctx: AppContext,
  helpers: JobHelpers,
  run: PageRun,
  cursor: PageCursor,
  priority: Priority,
): Promise<StravaActivity[] | null> {
  try {
    return await ctx.strava.forAthlete(run.athleteId, priority).listActivities(listParams(cursor));
  } catch (err) {
    if (err instanceof StravaRateLimited) {
      await deferJob(ctx, helpers, err.retryAt);
      return null;
    }
    if (err instanceof StravaUnauthorized) {
      // The Strava layer has already flagged the athlete (needs_reauth) where that applies.
      await finishRun(ctx.sql, run.id, { status: "failed", error: `Strava refused the token: ${err.message}` }, "stopped: the athlete must reconnect");
      return null;
    }
    if (err instanceof StravaBadRequest || helpers.job.attempts >= helpers.job.max_attempts) {
      const message = err instanceof Error ? err.message : String(err);
      await finishRun(ctx.sql, run.id, { status: "failed", error: message }, `failed: ${message}`);
      if (err instanceof StravaBadRequest) return null;
    }
    throw err;
  }
}

/** Records a finished sync of the athlete's history: watermark and last-sync time. */
export async function markAthleteSynced(sql: Sql, athleteId: number, opts: { newest?: number; backfill?: boolean }): Promise<void> {
  const watermark = opts.newest === undefined ? null : new Date(opts.newest * 1000);
  await sql`
    update athletes set
      reconcile_watermark = greatest(reconcile_watermark, ${watermark}::timestamptz),
      backfill_completed_at = case when ${opts.backfill ?? false} then now() else backfill_completed_at end,
      last_sync_at = now(), last_sync_error = null, updated_at = now()
    where strava_id = ${athleteId}`;
}
