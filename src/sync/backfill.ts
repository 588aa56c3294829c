import type { Task } from "graphile-worker";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { isRace } from "../races/rules.js";
import { applyActivity } from "../races/store.js";
import type { StravaActivity } from "../strava/types.js";
import { firstCursor } from "./page-cursor.js";
import { markAthleteSynced } from "./page-fetch.js";
import { finishRun, type PagedTask } from "./page-run.js";
import { pagedTask } from "./paged-task.js";
import { visibleRaceIds } from "./reconcile-page.js";

export const BACKFILL_TASK: PagedTask = {
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
    async finish(tx, run, cursor, activitiesSeen) {
      await markAthleteSynced(tx, run.athleteId, { newest: cursor.newest, backfill: true });
      await finishRun(tx, run.id, { status: "succeeded" }, `backfill complete: ${activitiesSeen} activities`);
    },
  });
}

/** Upserts the page's races (non-races are soft-removed if present) and counts visible changes. */
async function applyAll(tx: Sql, activities: StravaActivity[], runId: number): Promise<number> {
  const visible = await visibleRaceIds(tx, activities.map((a) => a.id));
  let upserted = 0;
  // Non-races without a visible race row have nothing to change: skip their queries.
  for (const activity of activities.filter((a) => isRace(a) || visible.has(a.id))) {
    if ((await applyActivity(tx, activity, { runId })) === "upserted") upserted++;
  }
  return upserted;
}
