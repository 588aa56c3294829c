import { sql } from "drizzle-orm";
import { z } from "zod";
import type { RunReport } from "../contract/runs.js";
import type { Db } from "../db/client.js";

const ids = z.array(z.number().int()).default([]);

/** The `would_*` lists a dry run (or a run the mass-delete guard held) leaves in its summary. */
const pendingChanges = z.object({
  would_insert: ids,
  would_update: ids,
  would_delete: ids,
  would_soft_remove: ids,
});

/** What the run would change, with the names of the races it would touch; null for a run that changed what it found. */
export async function runReport(db: Db, summary: unknown): Promise<RunReport | null> {
  const isPending = typeof summary === "object" && summary !== null && ("would_delete" in summary || "would_insert" in summary);
  if (!isPending) return null;
  const changes = pendingChanges.parse(summary);
  const named = await raceNames(db, [...changes.would_update, ...changes.would_delete, ...changes.would_soft_remove]);
  const ref = (id: number) => named.get(id) ?? { strava_activity_id: id, name: null, event_name: null };
  return {
    would_add: changes.would_insert,
    would_update: changes.would_update.map(ref),
    would_remove: [
      ...changes.would_delete.map((id) => ({ ...ref(id), reason: "gone from Strava" as const })),
      ...changes.would_soft_remove.map((id) => ({ ...ref(id), reason: "no longer a race" as const })),
    ],
  };
}

type RaceRef = RunReport["would_update"][number];

async function raceNames(db: Db, activityIds: number[]): Promise<Map<number, RaceRef>> {
  if (activityIds.length === 0) return new Map();
  const rows = await db.execute<RaceRef>(sql`
    select strava_activity_id, name, event_name from races
    where strava_activity_id = any(${sql.param(activityIds)}::bigint[])`);
  return new Map(rows.map((r) => [r.strava_activity_id, r]));
}
