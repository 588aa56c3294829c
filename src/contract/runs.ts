import { z } from "zod";

export const RUN_KINDS = ["backfill", "reconcile", "full", "activity"] as const;
export const RUN_TRIGGERS = ["webhook", "signup", "cron", "admin", "follow_up"] as const;
/** `held`: a mass-delete guard stopped the run before its removals, for an admin to decide. */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "held"] as const;
/** A run in one of these states does no more work. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled", "held"];
export const isFinished = (status: string): boolean => (FINISHED_RUN_STATUSES as readonly string[]).includes(status);

export type RunKind = (typeof RUN_KINDS)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A sync run as the admin API and the change feed show it. */
export const syncRunSchema = z.object({
  id: z.number().int(),
  athlete_strava_id: z.number().int(),
  kind: z.enum(RUN_KINDS),
  trigger: z.enum(RUN_TRIGGERS),
  status: z.enum(RUN_STATUSES),
  dry_run: z.boolean(),
  allow_mass_delete: z.boolean(),
  pages: z.number().int(),
  activities_seen: z.number().int(),
  races_upserted: z.number().int(),
  races_removed: z.number().int(),
  api_calls: z.number().int(),
  estimated_total: z.number().int().nullable(),
  /** An import's estimated seconds to finish (pages left at the budget's pace); null when unknown or finished. */
  eta_seconds: z.number().int().nullable(),
  error: z.string().nullable(),
  summary: z.unknown(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type SyncRunJson = z.infer<typeof syncRunSchema>;

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log line of a run, stored and streamed live (`sync.log`). */
export const syncLogSchema = z.object({
  id: z.number().int(),
  run_id: z.number().int(),
  at: z.string(),
  level: z.enum(LOG_LEVELS),
  message: z.string(),
  metadata: z.unknown(),
});
export type SyncLogJson = z.infer<typeof syncLogSchema>;

/** A race a run would change, named as it is stored now (null once it is gone). */
const raceRefSchema = z.object({ strava_activity_id: z.number().int(), name: z.string().nullable(), event_name: z.string().nullable() });

/**
 * What a dry run would change (or a run the mass-delete guard held would remove). New races exist
 * only on Strava, so they are known by id.
 */
export const runReportSchema = z.object({
  would_add: z.array(z.number().int()),
  would_update: z.array(raceRefSchema),
  would_remove: z.array(raceRefSchema.extend({ reason: z.enum(["gone from Strava", "no longer a race"]) })),
});
export type RunReport = z.infer<typeof runReportSchema>;

/** `GET /api/admin/sync-runs/:id`: the run with its stored log lines, oldest first, and its report. */
export const syncRunDetailSchema = syncRunSchema.extend({
  logs: z.array(syncLogSchema.pick({ at: true, level: true, message: true, metadata: true })),
  /** Dry runs and held runs only. */
  report: runReportSchema.nullable(),
});
export type SyncRunDetail = z.infer<typeof syncRunDetailSchema>;
