import { eq, sql } from "drizzle-orm";
import type { MeJson } from "../contract/athletes.js";
import type { RaceExport } from "../contract/races.js";
import type { Db } from "../db/client.js";
import { athleteNameSql, athletes } from "../db/schema.js";
import { runJsonSql } from "../history/runs.js";
import { changeBoardStanding } from "../races/board.js";
import { athleteRaces } from "../races/query.js";
import { parseScopes } from "./scopes.js";

type MeRow = Omit<MeJson, "scopes" | "is_admin"> & { scopes: string };

/** The signed-in athlete; `isAdmin` is the session's (admin rights are not stored). */
export async function getMe(db: Db, athleteId: number, isAdmin: boolean): Promise<MeJson | null> {
  const [row] = await db.execute<{ me: MeRow }>(sql`
    select json_build_object(
      'strava_id', a.strava_id, 'name', ${athleteNameSql}, 'firstname', a.firstname, 'lastname', a.lastname,
      'profile', a.profile_url, 'is_hidden', a.is_hidden, 'share_on_board', a.share_on_board,
      'share_on_board_at', ${isoSql(sql`a.share_on_board_at`)}, 'status', a.status, 'scopes', a.scopes,
      'sync', (select ${runJsonSql} from sync_runs s
               where s.athlete_id = a.strava_id and s.kind = 'backfill' order by s.created_at desc, s.id desc limit 1)
    ) as me
    from athletes a where a.strava_id = ${athleteId}`);
  return row ? { ...row.me, is_admin: isAdmin, scopes: parseScopes(row.me.scopes) } : null;
}

/**
 * Records the athlete's answer to "show my races on the club board" and when it was given; their
 * races come onto (or leave) open dashboards at once. An admin's hide still wins.
 */
export async function setShareOnBoard(db: Db, athleteId: number, share: boolean): Promise<void> {
  await changeBoardStanding(db, athleteId, (tx) =>
    tx.update(athletes).set({ share_on_board: share, share_on_board_at: sql`now()`, updated_at: sql`now()` }).where(eq(athletes.strava_id, athleteId)),
  );
}

/** Everything racesync holds about the athlete's races: their own copy, private races included. */
export async function exportRaces(db: Db, athleteId: number): Promise<RaceExport | null> {
  const [athlete] = await db.execute<RaceExport["athlete"]>(sql`
    select a.strava_id, ${athleteNameSql} as name, a.share_on_board, ${isoSql(sql`a.share_on_board_at`)} as share_on_board_at
    from athletes a where a.strava_id = ${athleteId}`);
  if (!athlete) return null;
  return { exported_at: new Date().toISOString(), athlete: { ...athlete }, races: await athleteRaces(db, athleteId) };
}

const isoSql = (column: ReturnType<typeof sql>) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
