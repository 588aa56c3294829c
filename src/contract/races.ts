import { z } from "zod";

/** Strava's visibility of an activity ("Who can view" on Strava). */
export const VISIBILITIES = ["everyone", "followers_only", "only_me"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A race as the API and the change feed show it (design.md "Shapes"). */
export const raceSchema = z.object({
  strava_activity_id: z.number().int(),
  athlete: z.object({ strava_id: z.number().int(), name: z.string() }),
  name: z.string(),
  event_name: z.string().nullable(),
  sport_type: z.string(),
  distance: z.number(),
  moving_time: z.number().int(),
  elapsed_time: z.number().int(),
  total_elevation_gain: z.number().nullable(),
  start_date: z.string(),
  start_date_local: z.string(),
  timezone: z.string().nullable(),
  average_heartrate: z.number().nullable(),
  max_heartrate: z.number().nullable(),
  visibility: z.enum(VISIBILITIES),
  /** Shown to other members: the race is `everyone`, its athlete said yes and is not hidden or blocked.
   * Only its owner and admins are ever sent a race that is not. */
  on_board: z.boolean(),
});
export type RaceJson = z.infer<typeof raceSchema>;

export const racePageSchema = z.object({ races: z.array(raceSchema), next_cursor: z.string().nullable() });
export type RacePage = z.infer<typeof racePageSchema>;

/** `GET /api/me/export`: everything racesync holds about the athlete's races, as a download. */
export const raceExportSchema = z.object({
  exported_at: z.string(),
  athlete: z.object({ strava_id: z.number().int(), name: z.string(), share_on_board: z.boolean().nullable(), share_on_board_at: z.string().nullable() }),
  races: z.array(raceSchema),
});
export type RaceExport = z.infer<typeof raceExportSchema>;

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
}).describe("an ISO date (a whole UTC day, inclusive) or date-time");

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
}).describe("next_cursor of the previous page");

const distance = z.coerce.number<number>().finite().nonnegative().describe("meters");

/** `GET /api/races` query: filters and the keyset cursor of the previous page. */
export const raceFiltersSchema = z.object({
  athlete_id: z.coerce.number<number>().int().positive().optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  min_distance: distance.optional(),
  max_distance: distance.optional(),
  limit: z.coerce.number<number>().int().min(1).max(200).default(50),
  cursor: cursor.optional(),
});
export type RaceFilters = z.output<typeof raceFiltersSchema>;

export const raceParamsSchema = z.object({ stravaActivityId: z.coerce.number<number>().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** `PATCH /api/races/:stravaActivityId`: an empty or blank name clears it. */
export const eventNamePatchSchema = z.strictObject({
  event_name: z
    .string()
    .trim()
    .max(200)
    .nullable()
    .transform((v) => (v === "" ? null : v)),
});
