import type { Config } from "../config.js";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { athletes } from "../db/schema.js";
import { firstCursor, type RunCursor } from "./page-cursor.js";
import type { PageRun } from "./paged-task.js";

/**
 * Where a run's walk starts and which races its sweep may remove.
 * - reconcile: oldest first from `after` = watermark minus the overlap; the sweep covers start
 *   dates after that instant (Strava's `after` is exclusive, so a race exactly at it was never
 *   listed and must not be swept). No watermark yet → the whole history, oldest first.
 * - full refresh: the whole history, newest first like a backfill; the sweep covers everything.
 */
export async function startingCursor(db: Db, config: Config, run: PageRun): Promise<RunCursor> {
  if (run.kind === "full") return { ...firstCursor("desc"), window_after: null };
  const [athlete] = await db.select({ watermark: athletes.reconcile_watermark }).from(athletes).where(eq(athletes.strava_id, run.athleteId));
  const watermark = athlete?.watermark ? Math.floor(athlete.watermark.getTime() / 1000) : null;
  const after = watermark === null ? 0 : Math.max(0, watermark - config.reconcileOverlapSeconds);
  return { ...firstCursor("asc", after), window_after: after === 0 ? null : after };
}
