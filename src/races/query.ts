import { and, eq, isNull, sql } from "drizzle-orm";
import type { RaceFilters, RacePage } from "../contract/races.js";
import type { Db } from "../db/client.js";
import { races } from "../db/schema.js";
import { raceJsonSql, type RaceJson } from "./json.js";
import { raceVisibleSql, type Audience } from "./rules.js";

/**
 * Non-removed races the audience may see, newest first, one keyset page at a time.
 * Raw SQL: the JSON is built in Postgres (measured: the 1M-race benchmark's p95 depends on it).
 */
export async function listRaces(db: Db, audience: Audience, f: RaceFilters): Promise<RacePage> {
  const none = sql``;
  const rows = await db.execute<{ race: RaceJson; sort_at: string }>(sql`
    select ${raceJsonSql} as race,
      to_char(r.start_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at
    from races r join athletes a on a.strava_id = r.athlete_id
    where r.removed_at is null and ${raceVisibleSql(audience)}
      ${f.athlete_id !== undefined ? sql`and r.athlete_id = ${f.athlete_id}` : none}
      ${f.from ? sql`and r.start_date >= ${f.from.start}` : none}
      ${f.to ? sql`and r.start_date < ${f.to.end}` : none}
      ${f.min_distance !== undefined ? sql`and r.distance >= ${f.min_distance}` : none}
      ${f.max_distance !== undefined ? sql`and r.distance <= ${f.max_distance}` : none}
      ${f.cursor ? sql`and (r.start_date, r.strava_activity_id) < (${f.cursor.at}::timestamptz, ${f.cursor.id}::bigint)` : none}
    -- nulls last: the order of races_visible_start_idx / races_athlete_start_idx (a bare desc could not use them)
    order by r.start_date desc nulls last, r.strava_activity_id desc nulls last
    limit ${f.limit + 1}`);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > f.limit && last ? encodeCursor(last.sort_at, last.race.strava_activity_id) : null;
  return { races: page.map((r) => r.race), next_cursor: nextCursor };
}

const encodeCursor = (at: string, id: number) => Buffer.from(JSON.stringify([at, id])).toString("base64url");

/** The owner of a (non-removed) race, or null when there is no such race. */
export async function raceOwner(db: Db, activityId: number): Promise<number | null> {
  const [row] = await db
    .select({ athlete_id: races.athlete_id })
    .from(races)
    .where(and(eq(races.strava_activity_id, activityId), isNull(races.removed_at)));
  return row?.athlete_id ?? null;
}

export async function getRace(db: Db, activityId: number): Promise<RaceJson | null> {
  const [row] = await db.execute<{ race: RaceJson }>(sql`
    select ${raceJsonSql} as race from races r join athletes a on a.strava_id = r.athlete_id
    where r.strava_activity_id = ${activityId}`);
  return row?.race ?? null;
}

/** Every race of one athlete (private ones included), newest first: what their export holds. */
export async function athleteRaces(db: Db, athleteId: number): Promise<RaceJson[]> {
  const rows = await db.execute<{ race: RaceJson }>(sql`
    select ${raceJsonSql} as race from races r join athletes a on a.strava_id = r.athlete_id
    where r.athlete_id = ${athleteId} and r.removed_at is null
    order by r.start_date desc nulls last, r.strava_activity_id desc nulls last`);
  return rows.map((r) => r.race);
}
