import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { addJob } from "../worker/jobs.js";
import { BACKFILL_TASK } from "./backfill.js";
import { finishRun, type PagePayload } from "./page-run.js";
import { RECONCILE_TASK } from "./reconcile.js";
import { createRun, type RunTrigger } from "./runs.js";

export interface StartSyncInput {
  athleteId: number;
  mode: "reconcile" | "full";
  trigger: RunTrigger;
  dryRun?: boolean;
  /** Apply removals even past the mass-delete guard (an admin checked the athlete on Strava). */
  allowMassDelete?: boolean;
  /** When the first page may run (reconcile-all spreads athletes over the budget). */
  runAt?: Date;
}

/**
 * Starts a reconcile or full refresh of one athlete and returns its run id. An unfinished
 * reconcile or refresh of the same athlete is superseded (cancelled before its next page).
 */
export async function startSync(ctx: Pick<AppContext, "sql">, input: StartSyncInput): Promise<number> {
  return ctx.sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await tx`
      update sync_runs set cancel_requested = true, updated_at = now()
      where athlete_id = ${input.athleteId} and kind in ('reconcile', 'full') and status in ('queued', 'running')`;
    const runId = Number(await createRun(tx, {
      athleteId: input.athleteId, kind: input.mode, trigger: input.trigger, dryRun: input.dryRun, allowMassDelete: input.allowMassDelete,
    }));
    const payload: PagePayload & { mode: string; dryRun: boolean } = {
      athleteId: input.athleteId, runId, page: 0, mode: input.mode, dryRun: input.dryRun ?? false,
    };
    await addJob(tx, RECONCILE_TASK.task, payload, {
      jobKey: RECONCILE_TASK.jobKey({ athleteId: input.athleteId, id: runId }),
      priority: RECONCILE_TASK.jobPriority,
      runAt: input.runAt,
    });
    return runId;
  });
}

/** Queues the first page of a newly connected athlete's history backfill → the run's id. */
export async function startBackfill(sql: Sql, athleteId: number): Promise<number> {
  const runId = await createRun(sql, { athleteId, kind: "backfill", trigger: "signup" });
  const payload: PagePayload = { athleteId, runId, page: 0 };
  await addJob(sql, BACKFILL_TASK.task, payload, { jobKey: BACKFILL_TASK.jobKey({ athleteId, id: runId }), priority: BACKFILL_TASK.jobPriority });
  return runId;
}

/**
 * Asks a backfill, reconcile or full refresh to stop. A run whose job is waiting stops now; a
 * run in the middle of a page stops before its next one. Returns false for unknown or finished runs.
 */
export async function requestRunCancel(sql: Sql, runId: number): Promise<boolean> {
  const [run] = await sql<{ kind: string; athlete_id: string }[]>`
    update sync_runs set cancel_requested = true, updated_at = now()
    where id = ${runId} and status in ('queued', 'running') and kind <> 'activity'
    returning kind, athlete_id::text`;
  if (!run) return false;
  const ref = { athleteId: Number(run.athlete_id), id: runId };
  const key = run.kind === "backfill" ? BACKFILL_TASK.jobKey(ref) : RECONCILE_TASK.jobKey(ref);
  const [job] = await sql<{ locked_at: Date | null }[]>`select locked_at from graphile_worker.jobs where key = ${key}`;
  if (job?.locked_at) return true;
  await sql`select graphile_worker.remove_job(${key})`;
  await finishRun(sql, runId, { status: "cancelled" }, "cancelled by an admin");
  return true;
}
