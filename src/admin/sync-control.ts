import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { athletes } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { reconcileAllAthletes } from "../history/reconcile-all.js";
import { startSync } from "../history/start.js";
import { stopAthleteWork } from "./athlete-flags.js";

export type AdminSyncMode = "reconcile" | "full";

/** An admin-forced reconcile or full refresh of one athlete → the new run's id. */
export async function startAdminSync(ctx: AppContext, stravaId: number, opts: { mode: AdminSyncMode; dryRun: boolean; allowMassDelete: boolean }): Promise<number> {
  await requireAthlete(ctx, stravaId);
  const runId = await startSync(ctx, { athleteId: stravaId, mode: opts.mode, trigger: "admin", dryRun: opts.dryRun, allowMassDelete: opts.allowMassDelete });
  ctx.log.info({ athleteId: stravaId, runId, ...opts }, "admin started a sync");
  return runId;
}

/** Removes the athlete's queued jobs; running runs stop at their next page. */
export async function stopAdminSync(ctx: AppContext, stravaId: number) {
  await requireAthlete(ctx, stravaId);
  const stopped = await stopAthleteWork(ctx.db, stravaId);
  ctx.log.info({ athleteId: stravaId, ...stopped }, "admin stopped an athlete's sync");
  return stopped;
}

/** Reconcile every connected, unblocked athlete now (interrupted imports resume), trigger "admin" → the run ids. */
export async function reconcileEveryone(ctx: AppContext): Promise<{ run_ids: number[] }> {
  const runIds = await reconcileAllAthletes(ctx, { trigger: "admin" });
  ctx.log.info({ athletes: runIds.length }, "admin started reconcile-all");
  return { run_ids: runIds };
}

async function requireAthlete(ctx: AppContext, stravaId: number): Promise<void> {
  const [row] = await ctx.db.select({ id: athletes.strava_id }).from(athletes).where(eq(athletes.strava_id, stravaId));
  if (!row) throw notFound(`athlete ${stravaId}`);
}
