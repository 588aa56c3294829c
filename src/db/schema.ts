import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const id = (name: string) => bigint(name, { mode: "number" });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();
const updatedAt = () => ts("updated_at").notNull().defaultNow();

/** A Strava athlete who connected racesync. Tokens are AES-256-GCM ciphertexts. */
export const athletes = pgTable("athletes", {
  stravaId: id("strava_id").primaryKey(),
  firstname: text("firstname").notNull().default(""),
  lastname: text("lastname").notNull().default(""),
  profileUrl: text("profile_url"),
  accessTokenEnc: text("access_token_enc"),
  refreshTokenEnc: text("refresh_token_enc"),
  tokenExpiresAt: ts("token_expires_at"),
  scopes: text("scopes").notNull().default(""),
  /** active | needs_reauth | deauthorized */
  status: text("status").notNull().default("active"),
  isAdmin: boolean("is_admin").notNull().default(false),
  isHidden: boolean("is_hidden").notNull().default(false),
  isBlocked: boolean("is_blocked").notNull().default(false),
  deauthorizedAt: ts("deauthorized_at"),
  backfillRequestedAt: ts("backfill_requested_at"),
  backfillCompletedAt: ts("backfill_completed_at"),
  /** start_date of the newest activity a completed backfill or reconcile has covered. */
  reconcileWatermark: ts("reconcile_watermark"),
  lastSyncAt: ts("last_sync_at"),
  lastSyncError: text("last_sync_error"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Race activities. removed_at set = soft-removed (no longer a race); event_name survives. */
export const races = pgTable(
  "races",
  {
    stravaActivityId: id("strava_activity_id").primaryKey(),
    athleteId: id("athlete_id")
      .notNull()
      .references(() => athletes.stravaId, { onDelete: "cascade" }),
    name: text("name").notNull(),
    eventName: text("event_name"),
    sportType: text("sport_type").notNull(),
    workoutType: integer("workout_type"),
    distance: doublePrecision("distance").notNull(),
    movingTime: integer("moving_time").notNull(),
    elapsedTime: integer("elapsed_time").notNull(),
    totalElevationGain: doublePrecision("total_elevation_gain"),
    startDate: ts("start_date").notNull(),
    startDateLocal: text("start_date_local").notNull(),
    timezone: text("timezone"),
    averageHeartrate: doublePrecision("average_heartrate"),
    maxHeartrate: doublePrecision("max_heartrate"),
    isPrivate: boolean("is_private").notNull().default(false),
    removedAt: ts("removed_at"),
    /** The sync run that last saw this activity (mark-and-sweep of full refreshes). */
    lastSeenRunId: id("last_seen_run_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("races_visible_start_idx")
      .on(t.startDate.desc(), t.stravaActivityId.desc())
      .where(sql`${t.removedAt} is null`),
    index("races_athlete_start_idx").on(t.athleteId, t.startDate.desc(), t.stravaActivityId.desc()),
  ],
);

/** Every webhook event Strava delivered, stored before it is acknowledged. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    dedupeKey: text("dedupe_key").notNull(),
    subscriptionId: id("subscription_id").notNull(),
    objectType: text("object_type").notNull(),
    aspectType: text("aspect_type").notNull(),
    objectId: id("object_id").notNull(),
    ownerId: id("owner_id").notNull(),
    eventTime: id("event_time").notNull(),
    updates: jsonb("updates").notNull().default({}),
    payload: jsonb("payload").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    processedAt: ts("processed_at"),
    /** queued | synced | ignored_unknown_athlete | ignored_blocked | failed … */
    outcome: text("outcome").notNull().default("queued"),
    error: text("error"),
    jobKey: text("job_key"),
    runId: id("run_id"),
  },
  (t) => [
    uniqueIndex("webhook_events_dedupe_key_idx").on(t.dedupeKey),
    index("webhook_events_received_idx").on(t.receivedAt.desc()),
    index("webhook_events_object_idx").on(t.objectId),
  ],
);

/** One unit of sync work: a backfill, reconcile, full refresh, or a single activity sync. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    athleteId: id("athlete_id").notNull(),
    /** backfill | reconcile | full | activity */
    kind: text("kind").notNull(),
    /** webhook | signup | cron | admin | follow_up */
    trigger: text("trigger").notNull(),
    /** queued | running | succeeded | failed | cancelled | held */
    status: text("status").notNull().default("queued"),
    dryRun: boolean("dry_run").notNull().default(false),
    /** An admin confirmed the removals a mass-delete guard held back. */
    allowMassDelete: boolean("allow_mass_delete").notNull().default(false),
    cursor: jsonb("cursor"),
    pages: integer("pages").notNull().default(0),
    activitiesSeen: integer("activities_seen").notNull().default(0),
    racesUpserted: integer("races_upserted").notNull().default(0),
    racesRemoved: integer("races_removed").notNull().default(0),
    apiCalls: integer("api_calls").notNull().default(0),
    estimatedTotal: integer("estimated_total"),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    summary: jsonb("summary"),
    error: text("error"),
    createdAt: createdAt(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sync_runs_athlete_idx").on(t.athleteId, t.createdAt.desc()),
    index("sync_runs_created_idx").on(t.createdAt.desc()),
  ],
);

export const syncLogs = pgTable(
  "sync_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: id("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    at: ts("at").notNull().defaultNow(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    metadata: jsonb("metadata"),
  },
  (t) => [index("sync_logs_run_idx").on(t.runId, t.id), index("sync_logs_at_idx").on(t.at)],
);

/**
 * Strava API usage per rate-limit window, shared by every worker process.
 * bucket: overall_short | overall_daily | read_short | read_daily.
 */
export const stravaBudget = pgTable(
  "strava_budget",
  {
    bucket: text("bucket").notNull(),
    windowStart: ts("window_start").notNull(),
    windowEnd: ts("window_end").notNull(),
    used: integer("used").notNull().default(0),
    limit: integer("limit").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);

/** Strava requests made for each athlete, per hour (admin view "API calls in the last day"). */
export const athleteApiCalls = pgTable(
  "athlete_api_calls",
  {
    athleteId: id("athlete_id").notNull(),
    hour: ts("hour").notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.athleteId, t.hour] })],
);

/** Liveness of worker processes, so jobs held by a dead worker can be released. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text("worker_id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: ts("started_at").notNull().defaultNow(),
  beatAt: ts("beat_at").notNull().defaultNow(),
});

/** Small key/value settings (webhook subscription id, demo verify token, …). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});
