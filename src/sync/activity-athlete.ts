import type { Sql } from "../db/client.js";

export type SyncableState = "active" | "ignored_unknown_athlete" | "ignored_blocked";

/**
 * Whether webhook work may touch this athlete's data: unknown and deauthorized athletes are
 * ignored, blocked ones too. (needs_reauth counts as active: the Strava layer answers for it.)
 */
export async function syncableState(sql: Sql, athleteId: number, opts: { lock?: boolean } = {}): Promise<SyncableState> {
  const rows = opts.lock
    ? await sql<{ status: string; is_blocked: boolean }[]>`select status, is_blocked from athletes where strava_id = ${athleteId} for share`
    : await sql<{ status: string; is_blocked: boolean }[]>`select status, is_blocked from athletes where strava_id = ${athleteId}`;
  const athlete = rows[0];
  if (!athlete || athlete.status === "deauthorized") return "ignored_unknown_athlete";
  return athlete.is_blocked ? "ignored_blocked" : "active";
}
