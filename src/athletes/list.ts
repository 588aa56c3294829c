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
  return sql<AthleteSummaryJson[]>`
    select a.strava_id, trim(a.firstname || ' ' || a.lastname) as name, a.profile_url as profile, a.status,
      a.last_sync_at,
      (select count(*)::int from races r where r.athlete_id = a.strava_id and r.removed_at is null) as race_count
    from athletes a
    where a.status <> 'deauthorized' and not a.is_blocked and ${scopeSql(sql, scope)}
    order by a.firstname, a.lastname, a.strava_id`;
}
