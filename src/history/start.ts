import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { withTransaction, type Db } from "../db/client.js";
import { athletes, syncRuns } from "../db/schema.js";
import { BACKFILL_TASK } from "./backfill.js";
import { finishRun, queuePage } from "./paged-task.js";
import { RECONCILE_TASK } from "./reconcile.js";
import { createRun, logRun, type RunTrigger } from "./runs.js";

export interface StartSyncInput {
  athleteId: number;
  mode: "reconcile" | "full";
  trigger: RunTrigger;
  dryRun?: boolean;
  /** Apply removals even past the mass-delete guard (an admin checked the athlete on Strava). */
  allowMassDelete?: boolean;
  /** When the first page may run (default: now; the budget gate paces the pages). */
  runAt?: Date;
}

const UNFINISHED = ["queued", "running"];

/**
 * Starts a reconcile or full refresh of one athlete and returns its run id. An unfinished
 * reconcile or refresh of the same athlete is superseded (cancelled before its next page).
 */
export async function startSync(ctx: Pick<AppContext, "db">, input: StartSyncInput): Promise<number> {
  return withTransaction(ctx.db, async (tx) => {
    await tx
      .update(syncRuns)
      .set({ cancel_requested: true, updated_at: sql`now()` })
      .where(and(eq(syncRuns.athlete_id, input.athleteId), inArray(syncRuns.kind, ["reconcile", "full"]), inArray(syncRuns.status, UNFINISHED)));
    const runId = await createRun(tx, {
      athleteId: input.athleteId, kind: input.mode, trigger: input.trigger, dryRun: input.dryRun, allowMassDelete: input.allowMassDelete,
    });
    await queuePage(tx, RECONCILE_TASK, { athleteId: input.athleteId, id: runId }, 0, input.runAt);
    return runId;
  });
}

/** Queues the first page of a newly connected athlete's history backfill → the run's id. */
export async function startBackfill(db: Db, athleteId: number): Promise<number> {
  const runId = await createRun(db, { athleteId, kind: "backfill", trigger: "signup" });
  await queuePage(db, BACKFILL_TASK, { athleteId, id: runId }, 0);
  return runId;
}

/**
 * Asks a backfill, reconcile or full refresh to stop. A run whose job is waiting stops now; a
 * run in the middle of a page stops before its next one. Returns false for unknown or finished runs.
 */
export async function requestRunCancel(db: Db, runId: number): Promise<boolean> {
  const [run] = await db
    .update(syncRuns)
    .set({ cancel_requested: true, updated_at: sql`now()` })
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, UNFINISHED), ne(syncRuns.kind, "activity")))
    .returning({ kind: syncRuns.kind, athleteId: syncRuns.athlete_id });
  if (!run) return false;
  const spec = run.kind === "backfill" ? BACKFILL_TASK : RECONCILE_TASK;
  const key = spec.jobKey({ athleteId: run.athleteId, id: runId });
  const [job] = await db.execute<{ locked_at: Date | null }>(sql`select locked_at from graphile_worker.jobs where key = ${key}`);
  if (job?.locked_at) return true;
  await db.execute(sql`select graphile_worker.remove_job(${key})`);
  await finishRun(db, runId, { status: "cancelled" }, "cancelled by an admin");
  return true;
}

/**
 * After an unblock, the athlete's syncs resume: a backfill the block interrupted continues from
 * its cursor (the same run); an athlete whose history was complete gets a reconcile, which repairs
 * what the webhook events ignored during the block would have done. Returns the run's id.
 */
export async function resumeSync(db: Db, athleteId: number): Promise<number> {
  const [athlete] = await db.select({ backfilled: athletes.backfill_completed_at }).from(athletes).where(eq(athletes.strava_id, athleteId));
  if (athlete?.backfilled) return startSync({ db }, { athleteId, mode: "reconcile", trigger: "admin" });
  const [backfill] = await db
    .select({ id: syncRuns.id, pages: syncRuns.pages, status: syncRuns.status })
    .from(syncRuns)
    .where(and(eq(syncRuns.athlete_id, athleteId), eq(syncRuns.kind, "backfill")))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  if (!backfill || backfill.status === "succeeded") return startBackfill(db, athleteId);
  await db
    .update(syncRuns)
    .set({ status: "queued", cancel_requested: false, error: null, finished_at: null, updated_at: sql`now()` })
    .where(eq(syncRuns.id, backfill.id));
  await logRun(db, backfill.id, "info", `resumed at page ${backfill.pages + 1}: the athlete was unblocked`);
  await queuePage(db, BACKFILL_TASK, { athleteId, id: backfill.id }, backfill.pages);
  return backfill.id;
}
