import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { BACKFILL_TASK } from "./backfill.js";
import { queuePage } from "./paged-task.js";
import { createRun, logRun, updateRun, type RunTrigger } from "./runs.js";

export type InterruptedImport = {
  athlete_id: number;
  run_id: number | null;
  cursor: unknown;
};

/**
 * Athletes whose history import never completed (stopped, blocked then unblocked, failed) and who
 * have nothing running: connected, unblocked, their last import finished more than `graceSeconds` ago.
 */
export async function interruptedImports(db: Db, graceSeconds: number): Promise<InterruptedImport[]> {
  return db.execute<InterruptedImport>(sql`
    select a.strava_id as athlete_id, last.id as run_id, last.cursor
    from athletes a
    left join lateral (
      select s.id, s.cursor, s.status, s.finished_at from sync_runs s
      where s.athlete_id = a.strava_id and s.kind = 'backfill' order by s.created_at desc, s.id desc limit 1
    ) last on true
    where ${ownerStateSql} = 'active' and a.backfill_completed_at is null
      and (last.id is null or (last.status in ('failed', 'cancelled') and last.finished_at < now() - make_interval(secs => ${graceSeconds})))
      and not exists (select 1 from sync_runs u where u.athlete_id = a.strava_id and u.status in ('queued', 'running'))
    order by a.strava_id`);
}

/** Starts a new import run that carries on from where the interrupted one stopped → its id. */
export async function resumeImport(db: Db, from: InterruptedImport, trigger: RunTrigger): Promise<number> {
  const runId = await createRun(db, { athleteId: from.athlete_id, kind: "backfill", trigger });
  if (from.cursor) await updateRun(db, runId, { cursor: from.cursor });
  await logRun(db, runId, "info", from.run_id ? `resuming the import where run ${from.run_id} stopped` : "starting the import");
  await queuePage(db, BACKFILL_TASK, { athleteId: from.athlete_id, id: runId }, 0);
  return runId;
}
