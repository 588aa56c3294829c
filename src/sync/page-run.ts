import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import type { Priority } from "../strava/types.js";
import { addJob } from "../worker/jobs.js";
import type { PageCursor } from "./page-cursor.js";
import { logRun, updateRun, type RunKind } from "./runs.js";

/** Payload of every one-page-per-job history task. `page` = pages the run had done when queued. */
export const pagePayloadSchema = z.object({
  // ids arrive as strings when a caller passed a bigint column through (postgres.js int8).
  athleteId: z.coerce.number().int(),
  runId: z.coerce.number().int(),
  page: z.number().int().nonnegative().default(0),
});
export type PagePayload = z.infer<typeof pagePayloadSchema>;

/** Everything a history run carries between its page jobs (sync_runs.cursor). */
export interface RunCursor extends PageCursor {
  /** Epochs of the newest (the next watermark) and oldest start_date seen. */
  newest?: number;
  oldest?: number;
  /** Reconcile: the sweep covers start dates after this (exclusive); null = the whole history. */
  window_after?: number | null;
  /** Races this run saw: the sweep keeps them. */
  race_ids?: number[];
  /** Seen races that stopped being races: removed at the end, after the mass-delete guard. */
  to_remove?: number[];
  /** Dry run: what would be inserted / updated. */
  would_insert?: number[];
  would_update?: number[];
}

export interface PageRun {
  id: number;
  athleteId: number;
  kind: RunKind;
  dryRun: boolean;
  allowMassDelete: boolean;
  cursor: RunCursor | null;
  pages: number;
  activitiesSeen: number;
  startedAt: Date;
}

/** How a history task queues its next page (or the same page later). */
export interface PagedTask {
  task: string;
  jobKey: (run: { athleteId: number; id: number }) => string;
  jobPriority: number;
  stravaPriority: Priority;
}

/**
 * Loads the run a page job belongs to and marks it running. Returns null when there is nothing to
 * do: the run is finished, the job is a stale duplicate, the run was cancelled, or the athlete
 * can no longer be synced (each recorded on the run).
 */
export async function openPageRun(ctx: AppContext, payload: PagePayload): Promise<PageRun | null> {
  const [row] = await ctx.sql<RunRow[]>`
    select s.id, s.athlete_id, s.kind, s.dry_run, s.allow_mass_delete, s.cursor, s.pages, s.status, s.cancel_requested,
           a.status as athlete_status, a.is_blocked
    from sync_runs s left join athletes a on a.strava_id = s.athlete_id
    where s.id = ${payload.runId}`;
  if (!row || FINISHED.has(row.status) || row.pages !== payload.page) return null;
  if (row.cancel_requested) {
    await finishRun(ctx.sql, payload.runId, { status: "cancelled" }, "cancelled by an admin before the next page");
    return null;
  }
  if (row.athlete_status !== "active" || row.is_blocked) {
    const why = row.is_blocked ? "athlete is blocked" : `athlete is ${row.athlete_status ?? "gone"}`;
    await finishRun(ctx.sql, payload.runId, { status: "cancelled", error: why }, `stopped: ${why}`);
    return null;
  }
  const run = await updateRun(ctx.sql, payload.runId, { status: "running" });
  return {
    id: Number(row.id), athleteId: Number(row.athlete_id), kind: row.kind, dryRun: row.dry_run, allowMassDelete: row.allow_mass_delete, cursor: row.cursor,
    pages: row.pages, activitiesSeen: run.activities_seen, startedAt: new Date(run.started_at!),
  };
}

/**
 * Locks the run row inside the page transaction and checks no other job committed this page
 * meanwhile (a job of a killed worker released late): page writes happen exactly once.
 */
export async function claimPage(tx: Sql, run: PageRun): Promise<boolean> {
  // The athlete row is locked first, as activity-sync does, so the two never deadlock on a race
  // row one holds while the other waits for the athlete row (the last page updates it).
  await tx`select 1 from athletes where strava_id = ${run.athleteId} for no key update`;
  const [row] = await tx<{ pages: number; status: string }[]>`
    select pages, status from sync_runs where id = ${run.id} for update`;
  return !!row && row.pages === run.pages && !FINISHED.has(row.status);
}

/** Queues the job for the run's next page (or this page again at `runAt`), in the caller's transaction. */
export async function queuePage(sql: Sql, spec: PagedTask, run: PageRun, page: number, runAt?: Date): Promise<void> {
  const payload: PagePayload = { athleteId: run.athleteId, runId: run.id, page };
  await addJob(sql, spec.task, payload, { jobKey: spec.jobKey(run), priority: spec.jobPriority, runAt });
}

export async function finishRun(sql: Sql, runId: number, p: Parameters<typeof updateRun>[2], message: string): Promise<void> {
  await updateRun(sql, runId, p);
  await logRun(sql, runId, p.status === "succeeded" ? "info" : "warn", message);
}

const FINISHED = new Set(["succeeded", "failed", "cancelled", "held"]);

interface RunRow {
  id: number | string;
  athlete_id: number | string;
  kind: RunKind;
  dry_run: boolean;
  allow_mass_delete: boolean;
  cursor: RunCursor | null;
  pages: number;
  status: string;
  cancel_requested: boolean;
  athlete_status: string | null;
  is_blocked: boolean | null;
}
