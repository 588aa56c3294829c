import { z } from "zod";

export const SYNC_STATUSES = ["idle", "backfilling", "syncing", "needs_reauth", "deauthorized", "blocked", "error"] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const scopeHealthSchema = z.object({ status: z.enum(["ok", "warning", "error"]), message: z.string().nullable() });
export type ScopeHealth = z.infer<typeof scopeHealthSchema>;

/** `GET /api/admin/athletes`: every athlete with what an admin needs to act. */
export const adminAthleteSchema = z.object({
  strava_id: z.number().int(),
  name: z.string(),
  profile_url: z.string().nullable(),
  is_admin: z.boolean(),
  is_hidden: z.boolean(),
  is_blocked: z.boolean(),
  scopes: z.array(z.string()),
  scope_health: scopeHealthSchema,
  sync_status: z.enum(SYNC_STATUSES),
  sync_error: z.string().nullable(),
  active_run_id: z.number().int().nullable(),
  last_success_at: z.string().nullable(),
  race_count: z.number().int(),
  /** Strava requests made for the athlete in the last 24 hours (webhook work included). */
  api_calls_24h: z.number().int(),
  /** Activities the athlete's sync runs have read from Strava, all runs together (races or not). */
  activities_checked: z.number().int(),
  connected_at: z.string(),
});
export type AdminAthlete = z.infer<typeof adminAthleteSchema>;

const jobCountsSchema = z.object({ waiting: z.number().int(), running: z.number().int(), failed: z.number().int() });
export type JobCounts = z.infer<typeof jobCountsSchema>;
export const JOB_STATES = ["waiting", "running", "failed"] as const;

/** `GET /api/admin/queue`: Graphile Worker's jobs by state, and the ones that failed for good. */
export const queueStateSchema = jobCountsSchema.extend({
  by_task: z.record(z.string(), jobCountsSchema),
  failed_jobs: z.array(
    z.object({ id: z.number().int(), task: z.string(), attempts: z.number().int(), last_error: z.string().nullable(), payload: z.unknown() }),
  ),
});
export type QueueState = z.infer<typeof queueStateSchema>;

const windowStateSchema = z.object({ used: z.number().int(), limit: z.number().int(), resets_at: z.string() });
export type WindowState = z.infer<typeof windowStateSchema>;
const windowPairSchema = z.object({ short: windowStateSchema, daily: windowStateSchema });

/** `GET /api/admin/rate-limit`: the shared Strava budget, overall and read ("non-upload"). */
export const budgetStateSchema = z.object({ overall: windowPairSchema, read: windowPairSchema, reserve_share: z.number() });
export type BudgetState = z.infer<typeof budgetStateSchema>;

const usageSchema = z.object({
  webhook: z.number().int(), confirmation: z.number().int(), follow_up: z.number().int(),
  reconcile: z.number().int(), backfill: z.number().int(), cache: z.number().int(),
});

/** `GET /api/admin/rate-limit`: the budget's windows and the planner's view of the day. */
export const rateLimitReportSchema = budgetStateSchema.extend({
  planner: z.object({
    /** Read calls by kind in today's (and the previous) daily window. */
    calls_today: usageSchema,
    calls_yesterday: usageSchema.nullable(),
    /** Spent so far plus the rest of the day at the learned pace. */
    projected_day: z.object({ by_kind: usageSchema, total: z.number().int(), limit: z.number().int(), webhook_reserve: z.number().int() }),
    /** The club size today's budget serves at the current settings (null with no athlete yet). */
    club: z.object({ athletes: z.number().int(), athletes_served: z.number().int().nullable(), reads_per_athlete_day: z.number().nullable() }),
    reconcile_interval_days: z.number(),
    oldest_reconcile_at: z.string().nullable(),
    follow_up_schedule_s: z.array(z.number().int()),
    /** STRAVA_MAX_CACHE_DAYS (null: unset) and the oldest time Strava last confirmed a stored race. */
    max_cache_days: z.number().int().nullable(),
    oldest_race_confirmed_at: z.string().nullable(),
  }),
});
export type RateLimitReport = z.infer<typeof rateLimitReportSchema>;

/** `GET /api/admin/reconcile/preview`: what "reconcile everyone" would cost, shown before it starts. */
export const reconcilePreviewSchema = z.object({
  athletes: z.number().int(),
  imports_to_resume: z.number().int(),
  /** Read calls it needs (about 1.2 per reconcile, one per resumed import). */
  calls: z.number().int(),
  /** When the last call is expected: as fast as the 15-minute windows allow behind webhook work. */
  seconds_to_finish: z.number().int(),
  share_of_daily_budget: z.number(),
  daily_calls_left: z.number().int(),
  spills_into_next_day: z.boolean(),
});
export type ReconcilePreview = z.infer<typeof reconcilePreviewSchema>;

/** `GET /api/admin/webhook-events`: a stored event and what became of it. */
export const adminWebhookEventSchema = z.object({
  id: z.number().int(),
  object_type: z.string(),
  aspect_type: z.string(),
  object_id: z.number().int(),
  owner_id: z.number().int(),
  updates: z.unknown(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
  outcome: z.string(),
  error: z.string().nullable(),
  job_key: z.string().nullable(),
  run_id: z.number().int().nullable(),
  /** The race this event concerns, when a race row exists for the activity. */
  strava_activity_id: z.number().int().nullable(),
});
export type AdminWebhookEvent = z.infer<typeof adminWebhookEventSchema>;

const id = z.coerce.number<number>().int().positive().max(Number.MAX_SAFE_INTEGER);
const limit = (max: number) => z.coerce.number<number>().int().min(1).max(max).default(50);

/** `:id` of a sync run, a job or a webhook event. */
export const idParamsSchema = z.object({ id });
/** `:stravaId` of an athlete. */
export const stravaIdParamsSchema = z.object({ stravaId: id });

/** `PATCH /api/admin/athletes/:stravaId`. */
export const athleteFlagsPatchSchema = z.strictObject({ is_hidden: z.boolean().optional(), is_blocked: z.boolean().optional() });

/** `POST /api/admin/athletes/:stravaId/sync`: `dry_run` reports what would change and changes nothing. */
export const adminSyncRequestSchema = z.strictObject({
  mode: z.enum(["reconcile", "full"]),
  dry_run: z.boolean().default(false),
  allow_mass_delete: z.boolean().default(false),
});

/** `GET /api/admin/sync-runs` filters. */
export const syncRunsQuerySchema = z.object({
  athlete_id: id.optional(),
  status: z.string().max(20).optional(),
  kind: z.string().max(20).optional(),
  limit: limit(500),
});

/** `GET /api/admin/webhook-events` filters. */
export const webhookEventsQuerySchema = z.object({ outcome: z.string().max(40).optional(), limit: limit(500) });

/** `POST /api/admin/athletes/:stravaId/sync/stop`. */
export const stoppedWorkSchema = z.object({ removed_jobs: z.number().int(), cancelled_runs: z.number().int() });
