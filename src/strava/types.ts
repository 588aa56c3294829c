import { z } from "zod";

/** The fields of a Strava activity (summary or detailed) that racesync reads. */
export const stravaActivitySchema = z.object({
  id: z.number().int(),
  athlete: z.object({ id: z.number().int() }),
  name: z.string(),
  sport_type: z.string().optional(),
  type: z.string().optional(),
  workout_type: z.number().int().nullable().optional(),
  distance: z.number(),
  moving_time: z.number(),
  elapsed_time: z.number(),
  total_elevation_gain: z.number().nullable().optional(),
  start_date: z.string(),
  start_date_local: z.string(),
  timezone: z.string().nullable().optional(),
  average_heartrate: z.number().nullable().optional(),
  max_heartrate: z.number().nullable().optional(),
  private: z.boolean().optional(),
  visibility: z.string().optional(),
});
export type StravaActivity = z.infer<typeof stravaActivitySchema>;

/**
 * An entry of a club's activity feed (GET /clubs/{id}/activities): no id and no dates, the
 * athlete by first name and last initial only. Enough to tell which of our pending runs it is.
 */
export const clubActivitySchema = stravaActivitySchema
  .pick({ sport_type: true, type: true, workout_type: true, distance: true, moving_time: true, elapsed_time: true })
  .extend({ athlete: z.object({ firstname: z.string().nullable().optional(), lastname: z.string().nullable().optional() }) });
export type ClubActivity = z.infer<typeof clubActivitySchema>;

export const stravaAthleteSchema = z.object({
  id: z.number().int(),
  firstname: z.string().nullable().optional(),
  lastname: z.string().nullable().optional(),
  profile: z.string().nullable().optional(),
  profile_medium: z.string().nullable().optional(),
});
export type StravaAthlete = z.infer<typeof stravaAthleteSchema>;

export const tokenResponseSchema = z.object({
  token_type: z.string().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_at: z.number().int(),
  expires_in: z.number().int().optional(),
  athlete: stravaAthleteSchema.optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/**
 * Who is asking for budget: webhook work (and the confirmations of deletions and revocations)
 * first, follow-ups next, reconciles, backfills and cache re-confirmations fill what is left;
 * `forced` is an admin's "now" (paced by the 15-minute windows only, behind webhook work).
 */
export type Priority = "webhook" | "confirmation" | "follow_up" | "backfill" | "reconcile" | "cache" | "forced";

export interface ListActivitiesParams {
  before?: number;
  after?: number;
  page?: number;
  perPage?: number;
}

/** "short,daily" pairs from Strava's rate-limit headers; a field is absent when its header was (or was garbled). */
export interface RateLimitHeaders {
  overallLimit?: [number, number];
  overallUsage?: [number, number];
  readLimit?: [number, number];
  readUsage?: [number, number];
}
