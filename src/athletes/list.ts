import type { Sql } from "../db/client.js";
import { scopeSql, type AthleteScope } from "../auth/visibility.js";

export interface AthleteSummaryJson {
  strava_id: number;
  name: string;
  profile: string | null;
  race_count: number;
  status: string;
  last_sync_at: string | null;
}

/** Connected athletes the viewer may see, with their number of (non-removed) races. */
export async function listAthletes(sql: Sql, scope: AthleteScope): Promise<AthleteSummaryJson[]> {
  const rows = await sql<{ athlete: AthleteSummaryJson }[]>`
    select json_build_object(
      'strava_id', a.strava_id, 'name', trim(a.firstname || ' ' || a.lastname), 'profile', a.profile_url,
      'race_count', (select count(*) from races r where r.athlete_id = a.strava_id and r.removed_at is null),
      'status', a.status, 'last_sync_at', a.last_sync_at
    ) as athlete
    from athletes a
    where a.status <> 'deauthorized' and not a.is_blocked and ${scopeSql(sql, scope)}
    order by a.firstname, a.lastname, a.strava_id`;
  return rows.map((r) => r.athlete);
}
