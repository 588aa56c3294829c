import { z } from "zod";
import type { Sql } from "../db/client.js";
import { scopeSql, type AthleteScope } from "../auth/visibility.js";
import { raceJsonSql, type RaceJson } from "./json.js";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** An ISO date (a whole UTC day) or date-time, as the [start, end) instant range it names. */
const isoInstant = z.string().transform((v, ctx) => {
  const ms = Date.parse(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: "must be an ISO date (YYYY-MM-DD) or date-time" });
    return z.NEVER;
  }
  return { start: new Date(ms), end: new Date(ms + (DATE_ONLY.test(v) ? DAY_MS : 1)) };
});

const cursorShape = z.tuple([z.iso.datetime(), z.number().int().positive()]);

/** Keyset cursor: the (start_date, strava_activity_id) of the last race of the page, opaque to clients. */
const cursor = z.string().transform((v, ctx) => {
  try {
    const [at, id] = cursorShape.parse(JSON.parse(Buffer.from(v, "base64url").toString("utf8")));
    return { at, id };
  } catch {
    ctx.addIssue({ code: "custom", message: "is not a cursor this API returned" });
    return z.NEVER;
  }
});

const distance = z.coerce.number().finite().nonnegative();

export const raceFiltersSchema = z.object({
  athlete_id: z.coerce.number().int().positive().optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  min_distance: distance.optional(),
  max_distance: distance.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursor.optional(),
});
export type RaceFilters = z.infer<typeof raceFiltersSchema>;

export interface RacePage { races: RaceJson[]; next_cursor: string | null }

/** Non-removed races the scope allows, newest first, one keyset page at a time. */
export async function listRaces(sql: Sql, scope: AthleteScope, f: RaceFilters): Promise<RacePage> {
  const none = sql``;
  const rows = await sql<{ race: RaceJson; sort_at: string }[]>`
    select ${raceJsonSql(sql)} as race,
      to_char(r.start_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at
    from races r join athletes a on a.strava_id = r.athlete_id
    where r.removed_at is null and ${scopeSql(sql, scope)}
      ${f.athlete_id !== undefined ? sql`and r.athlete_id = ${f.athlete_id}` : none}
      ${f.from ? sql`and r.start_date >= ${f.from.start}` : none}
      ${f.to ? sql`and r.start_date < ${f.to.end}` : none}
      ${f.min_distance !== undefined ? sql`and r.distance >= ${f.min_distance}` : none}
      ${f.max_distance !== undefined ? sql`and r.distance <= ${f.max_distance}` : none}
      ${f.cursor ? sql`and (r.start_date, r.strava_activity_id) < (${f.cursor.at}::timestamptz, ${f.cursor.id}::bigint)` : none}
    -- nulls last: the order of races_visible_start_idx / races_athlete_start_idx (a bare desc could not use them)
    order by r.start_date desc nulls last, r.strava_activity_id desc nulls last
    limit ${f.limit + 1}`;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > f.limit && last ? encodeCursor(last.sort_at, last.race.strava_activity_id) : null;
  return { races: page.map((r) => r.race), next_cursor: nextCursor };
}

const encodeCursor = (at: string, id: number) => Buffer.from(JSON.stringify([at, id])).toString("base64url");

/** The owner of a (non-removed) race, or null when there is no such race. */
export async function raceOwner(sql: Sql, activityId: number): Promise<number | null> {
  const [row] = await sql<{ athlete_id: number }[]>`
    select athlete_id::float8 as athlete_id from races where strava_activity_id = ${activityId} and removed_at is null`;
  return row?.athlete_id ?? null;
}

export async function getRace(sql: Sql, activityId: number): Promise<RaceJson | null> {
  const [row] = await sql<{ race: RaceJson }[]>`
    select ${raceJsonSql(sql)} as race from races r join athletes a on a.strava_id = r.athlete_id
    where r.strava_activity_id = ${activityId}`;
  return row?.race ?? null;
}
