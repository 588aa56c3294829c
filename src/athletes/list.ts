import { sql } from "drizzle-orm";
import type { AthleteSummaryJson } from "../contract/athletes.js";
import type { Db } from "../db/client.js";
import { athleteNameSql } from "../db/schema.js";
import { athleteOnBoardSql, athleteVisibleSql, raceVisibleSql, type Audience } from "../races/rules.js";

/** Connected athletes the audience may see, each with the number of their races it may see. */
export async function listAthletes(db: Db, audience: Audience): Promise<AthleteSummaryJson[]> {
  const rows = await db.execute<{ athlete: AthleteSummaryJson }>(sql`
    select json_build_object(
      'strava_id', a.strava_id, 'name', ${athleteNameSql}, 'profile', a.profile_url,
      'race_count', (select count(*) from races r
                     where r.athlete_id = a.strava_id and r.removed_at is null and ${raceVisibleSql(audience)}),
      'on_board', ${athleteOnBoardSql}, 'status', a.status, 'last_sync_at', a.last_sync_at
    ) as athlete
    from athletes a
    where a.status <> 'deauthorized' and ${athleteVisibleSql(audience)}
    order by a.firstname, a.lastname, a.strava_id`);
  return rows.map((r) => r.athlete);
}
