import type { JobHelpers, Task } from "graphile-worker";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { isFinished, type RunKind, type RunTrigger } from "../contract/runs.js";
import { withTransaction, type Db } from "../db/client.js";
import { addJob, deferJob } from "../db/jobs.js";
import { athletes } from "../db/schema.js";
import { ownerState, ownerStateSql, type OwnerState } from "../db/athlete-state.js";
import { deletedSince } from "../races/deleted.js";
import { AthleteUnavailable, StravaBadRequest, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import type { Priority, StravaActivity } from "../strava/types.js";
import { secondsToFinish } from "./eta.js";
import { listParams, pageProgress, pagesLeft, stepCursor, type RunCursor } from "./page-cursor.js";
import { logRun, updateRun, type RunProgress } from "./runs.js";

/** Payload of every one-page-per-job history task. `page` = pages the run had done when queued. */
export const pagePayloadSchema = z.object({
  athleteId: z.number().int(),
  runId: z.number().int(),
  page: z.number().int().nonnegative().default(0),
});
export type PagePayload = z.infer<typeof pagePayloadSchema>;

export interface PageRun {
  id: number;
  athleteId: number;
  kind: RunKind;
  trigger: RunTrigger;
  dryRun: boolean;
  allowMassDelete: boolean;
  cursor: RunCursor | null;
  pages: number;
  activitiesSeen: number;
  startedAt: Date;
}

/** How a history task queues its next page (or the same page later). */
export interface PagedTaskSpec {
  task: string;
  jobKey: (run: { athleteId: number; id: number }) => string;
  jobPriority: number;
  stravaPriority: Priority;
}

/** What differs between the history tasks; the page-per-job mechanics are shared. */
export interface PageHandler {
  spec: PagedTaskSpec;
  /** Where a new run starts paging. */
  startCursor(ctx: AppContext, run: PageRun): RunCursor | Promise<RunCursor>;
  /** Writes one page's new activities (in the page transaction). */
  apply(tx: Db, run: PageRun, cursor: RunCursor, fresh: StravaActivity[]): Promise<{ upserted: number; cursor?: Partial<RunCursor> }>;
  /** Sizes the history after a first full page (backfill: for its ETA); absent = no estimate. */
  sizeHistory?(ctx: AppContext, run: PageRun): Promise<number | undefined>;
  /** Ends the run after its last page (same transaction). */
  finish(tx: Db, run: PageRun, cursor: RunCursor, activitiesSeen: number): Promise<void>;
}

/**
 * A history task that does ONE page per job. The page's writes, the cursor, the counts and the job
 * for the next page commit in one transaction, so a crash at any point resumes exactly where the
 * last commit left off; an admin's cancel is honoured before every page (openPageRun).
 */
export function pagedTask(ctx: AppContext, handler: PageHandler): Task {
  return async (raw, helpers) => {
    const run = await openPageRun(ctx.db, pagePayloadSchema.parse(raw));
    if (!run) return;
    const cursor = run.cursor ?? (await handler.startCursor(ctx, run));
    // An admin's "now" is paced by the 15-minute windows only (behind webhook work), not by the day.
    const priority = run.trigger === "admin" ? "forced" : handler.spec.stravaPriority;
    const page = await fetchPage(ctx, helpers, run, cursor, priority);
    if (!page) return;
    const step = stepCursor(cursor, page);
    const sized = !step.done && cursor.total_estimate === undefined && handler.sizeHistory
      ? { total_estimate: (await handler.sizeHistory(ctx, run)) ?? 0 } : {};
    const eta = handler.sizeHistory ? await secondsToFinish(ctx, { ...run, pagesDone: run.pages + 1, priority }, pagesLeft(run.activitiesSeen, { ...cursor, ...sized }, step)) : undefined;
    await withTransaction(ctx.db, async (tx) => {
      if (!(await claimPage(tx, run))) return;
      const deleted = await deletedSince(tx, step.fresh.map((a) => a.id), helpers.job.locked_at);
      const applied = await handler.apply(tx, run, cursor, step.fresh.filter((a) => !deleted.has(a.id)));
      const progress = pageProgress(run.activitiesSeen, { ...cursor, ...sized }, step, applied.cursor);
      await updateRun(tx, run.id, { ...progress, racesUpserted: applied.upserted, etaSeconds: eta });
      await logRun(tx, run.id, "info", `page ${run.pages + 1}: ${step.fresh.length} activities, ${applied.upserted} races upserted`, {
        before: cursor.before ?? null,
        after: cursor.after ?? null,
        returned: page.length,
        ...(eta !== undefined && { eta_seconds: eta }),
      });
      if (!step.done) return queuePage(tx, handler.spec, run, run.pages + 1);
      await handler.finish(tx, run, progress.cursor, run.activitiesSeen + step.fresh.length);
    });
  };
}

/** Queues the job for the run's next page, in the caller's transaction. */
export async function queuePage(db: Db, spec: PagedTaskSpec, run: { athleteId: number; id: number }, page: number, runAt?: Date): Promise<void> {
  const payload: PagePayload = { athleteId: run.athleteId, runId: run.id, page };
  await addJob(db, spec.task, payload, { jobKey: spec.jobKey(run), priority: spec.jobPriority, runAt });
}

export async function finishRun(db: Db, runId: number, p: RunProgress, message: string): Promise<void> {
  await updateRun(db, runId, p);
  await logRun(db, runId, p.status === "succeeded" ? "info" : "warn", message);
}

/** Records a finished sync of the athlete's history: watermark and last-sync time. */
export async function markAthleteSynced(db: Db, athleteId: number, opts: { newest?: number; backfill?: boolean; reconciled?: boolean }): Promise<void> {
  const watermark = opts.newest === undefined ? null : new Date(opts.newest * 1000);
  await db
    .update(athletes)
    .set({
      reconcile_watermark: sql`greatest(${athletes.reconcile_watermark}, ${watermark}::timestamptz)`,
      ...(opts.backfill && { backfill_completed_at: sql`now()` }),
      ...(opts.reconciled && { last_reconciled_at: sql`now()` }),
      last_sync_at: sql`now()`,
      last_sync_error: null,
      updated_at: sql`now()`,
    })
    .where(eq(athletes.strava_id, athleteId));
}

type RunRow = {
  id: number;
  athlete_id: number;
  kind: RunKind;
  trigger: RunTrigger;
  dry_run: boolean;
  allow_mass_delete: boolean;
  cursor: RunCursor | null;
  pages: number;
  activities_seen: number;
  status: string;
  cancel_requested: boolean;
  owner: OwnerState;
};

/**
 * Loads the run a page job belongs to and marks it running. Returns null when there is nothing to
 * do: the run is gone (its athlete revoked) or finished, the job is a stale duplicate, the run was
 * cancelled, or the athlete can no longer be synced (each recorded on the run).
 */
async function openPageRun(db: Db, payload: PagePayload): Promise<PageRun | null> {
  return withTransaction(db, async (tx) => {
    await ownerState(tx, payload.athleteId, { lock: "share" }); // a revocation deleting the run waits, or is seen
    const [row] = await tx.execute<RunRow>(sql`
      select s.id, s.athlete_id, s.kind, s.trigger, s.dry_run, s.allow_mass_delete, s.cursor, s.pages, s.activities_seen,
             s.status, s.cancel_requested, ${ownerStateSql} as owner
      from sync_runs s left join athletes a on a.strava_id = s.athlete_id
      where s.id = ${payload.runId}`);
    if (!row || isFinished(row.status) || row.pages !== payload.page) return null;
    if (row.cancel_requested) {
      await finishRun(tx, payload.runId, { status: "cancelled" }, "cancelled by an admin before the next page");
      return null;
    }
    if (row.owner !== "active") {
      await stopForOwner(tx, payload.runId, row.owner);
      return null;
    }
    const run = await updateRun(tx, payload.runId, { status: "running" });
    return {
      id: row.id, athleteId: row.athlete_id, kind: row.kind, trigger: row.trigger, dryRun: row.dry_run, allowMassDelete: row.allow_mass_delete, cursor: row.cursor,
      pages: row.pages, activitiesSeen: row.activities_seen, startedAt: new Date(run!.started_at!),
    };
  });
}

/** Ends a run whose athlete can no longer be synced; its cursor stays, so an unblock resumes it. */
async function stopForOwner(db: Db, runId: number, owner: OwnerState): Promise<void> {
  const why = `athlete is ${owner === "unknown" ? "gone" : owner}`;
  await finishRun(db, runId, { status: "cancelled", error: why }, `stopped: ${why}`);
}

/**
 * Locks the athlete row, then the run row, inside the page transaction: the page writes nothing
 * for an athlete blocked or revoked meanwhile (a revocation has deleted the run), and nothing if
 * another job committed this page meanwhile (a job of a killed worker released late).
 */
async function claimPage(tx: Db, run: PageRun): Promise<boolean> {
  // The athlete row is locked first, as activity-sync does, so the two never deadlock on a race
  // row one holds while the other waits for the athlete row (the last page updates it).
  const owner = await ownerState(tx, run.athleteId, { lock: "update" });
  const [row] = await tx.execute<{ pages: number; status: string }>(sql`
    select pages, status from sync_runs where id = ${run.id} for update`);
  if (!row || row.pages !== run.pages || isFinished(row.status)) return false;
  if (owner === "active") return true;
  await stopForOwner(tx, run.id, owner);
  return false;
}

/**
 * Fetches the run's next page. Returns null when the job must stop here: no budget (the job is
 * deferred to the window's reopening without spending an attempt) or a permanent refusal (the run
 * fails). Transient failures are thrown: Graphile Worker retries them.
 */
async function fetchPage(ctx: AppContext, helpers: JobHelpers, run: PageRun, cursor: RunCursor, priority: Priority): Promise<StravaActivity[] | null> {
  try {
    return await ctx.strava.forAthlete(run.athleteId, priority).listActivities(listParams(cursor));
  } catch (err) {
    if (err instanceof StravaRateLimited) {
      await withTransaction(ctx.db, async (tx) => {
        // A revocation deletes the run with the athlete's queued jobs: a job deferred after it would outlive them.
        if (await runStillOpen(tx, run.id)) await deferJob({ db: tx, log: ctx.log }, helpers, err.retryAt);
      });
      return null;
    }
    if (err instanceof AthleteUnavailable) {
      await withTransaction(ctx.db, (tx) => claimPage(tx, run)); // blocked meanwhile: records that the run stops; revoked: it is gone
      return null;
    }
    if (err instanceof StravaUnauthorized) {
      // The Strava layer has already flagged the athlete (needs_reauth) where that applies.
      await finishRun(ctx.db, run.id, { status: "failed", error: `Strava refused the token: ${err.message}` }, "stopped: the athlete must reconnect");
      return null;
    }
    if (err instanceof StravaBadRequest || helpers.job.attempts >= helpers.job.max_attempts) {
      const message = err instanceof Error ? err.message : String(err);
      await finishRun(ctx.db, run.id, { status: "failed", error: message }, `failed: ${message}`);
      if (err instanceof StravaBadRequest) return null;
    }
    throw err;
  }
}

/** The run exists and is not finished; the share lock makes a revocation deleting it wait for the caller. */
async function runStillOpen(tx: Db, runId: number): Promise<boolean> {
  const [row] = await tx.execute<{ status: string }>(sql`select status from sync_runs where id = ${runId} for share`);
  return row !== undefined && !isFinished(row.status);
}
