import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import type { StravaActivity } from "../strava/types.js";
import { firstCursor } from "./page-cursor.js";
import { finishRun, markAthleteSynced, pagedTask, type PagedTaskSpec } from "./paged-task.js";
import { visibleRaceIds } from "./reconcile-page.js";

export const BACKFILL_TASK: PagedTaskSpec = {
  task: "athlete-backfill",
  jobKey: (run) => `backfill:${run.athleteId}`,
  jobPriority: 20,
  stravaPriority: "backfill",
};

/** `athlete-backfill` {athleteId, runId, page?}: the athlete's whole history, newest first, a page per job. */
export function athleteBackfillTask(ctx: AppContext): Task {
  return pagedTask(ctx, {
    spec: BACKFILL_TASK,
    startCursor: () => firstCursor("desc"),
    apply: async (tx, run, _cursor, fresh) => ({ upserted: await applyAll(tx, fresh, run.id) }),
    // A history longer than one page is sized once (one stats call), so the import can show an ETA.
    sizeHistory: (c, run) => historySize(c, run.athleteId),
    async finish(tx, run, cursor, activitiesSeen) {
      await markAthleteSynced(tx, run.athleteId, { newest: cursor.newest, backfill: true });
      await finishRun(tx, run.id, { status: "succeeded" }, `backfill complete: ${activitiesSeen} activities`);
    },
  });
}

/** One stats call sizes the import (so it can show an ETA); without it the import just runs. */
async function historySize(ctx: AppContext, athleteId: number): Promise<number | undefined> {
  return ctx.strava.forAthlete(athleteId, "backfill").historySize().catch((err: unknown) => {
    ctx.log.debug({ athleteId, err }, "no history size: the import shows no ETA until its end is near");
    return undefined;
  });
}

/** Upserts the page's races (non-races are soft-removed if present) and counts visible changes. */
async function applyAll(tx: Db, activities: StravaActivity[], runId: number): Promise<number> {
  const visible = await visibleRaceIds(tx, activities.map((a) => a.id));
  let upserted = 0;
  // Non-races without a visible race row have nothing to change: skip their queries.
  for (const activity of activities.filter((a) => isRace(a) || visible.has(a.id))) {
    if ((await applyActivity(tx, activity, { runId })) === "upserted") upserted++;
  }
  return upserted;
}
