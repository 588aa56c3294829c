import { z } from "zod";
import { syncRunSchema } from "./runs.js";

export const ATHLETE_STATUSES = ["active", "needs_reauth", "deauthorized"] as const;

/** `GET /api/me`: the signed-in athlete. */
export const meSchema = z.object({
  strava_id: z.number().int(),
  name: z.string(),
  firstname: z.string(),
  lastname: z.string(),
  profile: z.string().nullable(),
  is_admin: z.boolean(),
  /** Hidden from the board by an admin (the athlete cannot undo it). */
  is_hidden: z.boolean(),
  /** The athlete's own answer to "show my races on the club board"; null until asked. */
  share_on_board: z.boolean().nullable(),
  share_on_board_at: z.string().nullable(),
  status: z.enum(ATHLETE_STATUSES),
  scopes: z.array(z.string()),
  /** The latest history backfill, so the dashboard can show its progress. */
  sync: syncRunSchema.nullable(),
});
export type MeJson = z.infer<typeof meSchema>;

/** `PATCH /api/me`: the athlete's consent to the club board, changeable any time. */
export const mePatchSchema = z.strictObject({ share_on_board: z.boolean() });
export type MePatch = z.infer<typeof mePatchSchema>;

/** `GET /api/athletes`: an athlete the viewer may see, with their number of races. */
export const athleteSummarySchema = z.object({
  strava_id: z.number().int(),
  name: z.string(),
  profile: z.string().nullable(),
  /** The races of this athlete the viewer may see. */
  race_count: z.number().int(),
  /** Other members see this athlete (consented, not hidden or blocked); false only for themselves and admins. */
  on_board: z.boolean(),
  status: z.enum(ATHLETE_STATUSES),
  last_sync_at: z.string().nullable(),
});
export type AthleteSummaryJson = z.infer<typeof athleteSummarySchema>;

