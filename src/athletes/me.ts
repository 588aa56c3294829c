import type { Sql } from "../db/client.js";
import { runJsonSql, type SyncRunJson } from "../sync/runs.js";
import { parseScopes } from "./scopes.js";

export interface MeJson {
  strava_id: number;
  firstname: string;
  lastname: string;
  profile: string | null;
  is_admin: boolean;
  is_hidden: boolean;
  status: string;
  scopes: string[];
  /** The latest history backfill, so the dashboard can show its progress. */
  sync: SyncRunJson | null;
}

export async function getMe(sql: Sql, athleteId: number): Promise<MeJson | null> {
  const [row] = await sql<{ me: Omit<MeJson, "scopes"> & { scopes: string } }[]>`
    select json_build_object(
      'strava_id', a.strava_id, 'firstname', a.firstname, 'lastname', a.lastname, 'profile', a.profile_url,
      'is_admin', a.is_admin, 'is_hidden', a.is_hidden, 'status', a.status, 'scopes', a.scopes,
      'sync', (select ${runJsonSql(sql)} from sync_runs s
               where s.athlete_id = a.strava_id and s.kind = 'backfill' order by s.created_at desc, s.id desc limit 1)
    ) as me
    from athletes a where a.strava_id = ${athleteId}`;
  return row ? { ...row.me, scopes: parseScopes(row.me.scopes) } : null;
}

/** The athlete's own consent to appear on the club board. */
export async function setHidden(sql: Sql, athleteId: number, isHidden: boolean): Promise<void> {
  await sql`update athletes set is_hidden = ${isHidden}, updated_at = now() where strava_id = ${athleteId}`;
}
