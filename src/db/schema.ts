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
  strava_id: id("strava_id").primaryKey(),
  firstname: text("firstname").notNull().default(""),
  lastname: text("lastname").notNull().default(""),
  profile_url: text("profile_url"),
  access_token_enc: text("access_token_enc"),
  refresh_token_enc: text("refresh_token_enc"),
  token_expires_at: ts("token_expires_at"),
  scopes: text("scopes").notNull().default(""),
  /** active | needs_reauth | deauthorized */
  status: text("status").notNull().default("active"),
  /** Hidden from the board by an admin; the athlete cannot undo it. */
  is_hidden: boolean("is_hidden").notNull().default(false),
  is_blocked: boolean("is_blocked").notNull().default(false),
  deauthorized_at: ts("deauthorized_at"),
  /** The athlete's own answer to "show my races on the club board": null until asked. */
  share_on_board: boolean("share_on_board"),
  share_on_board_at: ts("share_on_board_at"),
  /** Sessions carry the version they were issued under; bumping it ends every session at once. */
  session_version: integer("session_version").notNull().default(0),
  backfill_requested_at: ts("backfill_requested_at"),
  backfill_completed_at: ts("backfill_completed_at"),
  /** start_date of the newest activity a completed backfill or reconcile has covered. */
  reconcile_watermark: ts("reconcile_watermark"),
  /** When a reconcile of the athlete last succeeded (the planner reconciles the oldest first). */
  last_reconciled_at: ts("last_reconciled_at"),
  last_sync_at: ts("last_sync_at"),
  last_sync_error: text("last_sync_error"),
  created_at: createdAt(),
  updated_at: updatedAt(),
});

/**
 * What stays of an athlete who revoked racesync (deauthorized on Strava or disconnected): their
 * Strava id and when, so their late webhook events are dropped. Everything else is deleted.
 */
export const athleteTombstones = pgTable("athlete_tombstones", {
  strava_id: id("strava_id").primaryKey(),
  revoked_at: ts("revoked_at").notNull().defaultNow(),
});

/** How an athlete (`athletes a` in a query) is named in every shape the API returns. */
export const athleteNameSql = sql`trim(a.firstname || ' ' || a.lastname)`;

/** Race activities. removed_at set = soft-removed (no longer a race); event_name survives. */
export const races = pgTable(
  "races",
  {
    strava_activity_id: id("strava_activity_id").primaryKey(),
    athlete_id: id("athlete_id")
      .notNull()
      .references(() => athletes.strava_id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    event_name: text("event_name"),
    sport_type: text("sport_type").notNull(),
    workout_type: integer("workout_type"),
    distance: doublePrecision("distance").notNull(),
    moving_time: integer("moving_time").notNull(),
    elapsed_time: integer("elapsed_time").notNull(),
    total_elevation_gain: doublePrecision("total_elevation_gain"),
    start_date: ts("start_date").notNull(),
    start_date_local: text("start_date_local").notNull(),
    timezone: text("timezone"),
    average_heartrate: doublePrecision("average_heartrate"),
    max_heartrate: doublePrecision("max_heartrate"),
    /** Strava's: everyone | followers_only | only_me. */
    visibility: text("visibility").notNull().default("everyone"),
    removed_at: ts("removed_at"),
    /** When Strava last showed this activity (STRAVA_MAX_CACHE_DAYS re-confirms or removes it). */
    confirmed_at: ts("confirmed_at").notNull().defaultNow(),
    /** The sync run that last saw this activity (mark-and-sweep of full refreshes). */
    last_seen_run_id: id("last_seen_run_id"),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  (t) => [
    index("races_visible_start_idx")
      .on(t.start_date.desc(), t.strava_activity_id.desc())
      .where(sql`${t.removed_at} is null`),
    index("races_athlete_start_idx").on(t.athlete_id, t.start_date.desc(), t.strava_activity_id.desc()),
  ],
);

/** Every webhook event Strava delivered, stored before it is acknowledged. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    dedupe_key: text("dedupe_key").notNull(),
    subscription_id: id("subscription_id").notNull(),
    object_type: text("object_type").notNull(),
    aspect_type: text("aspect_type").notNull(),
    object_id: id("object_id").notNull(),
    owner_id: id("owner_id").notNull(),
    event_time: id("event_time").notNull(),
    updates: jsonb("updates").notNull().default({}),
    payload: jsonb("payload").notNull(),
    received_at: ts("received_at").notNull().defaultNow(),
    processed_at: ts("processed_at"),
    /** queued | synced | ignored_unknown_athlete | ignored_blocked | failed … */
    outcome: text("outcome").notNull().default("queued"),
    error: text("error"),
    job_key: text("job_key"),
    run_id: id("run_id"),
  },
  (t) => [
    uniqueIndex("webhook_events_dedupe_key_idx").on(t.dedupe_key),
    index("webhook_events_received_idx").on(t.received_at.desc()),
    index("webhook_events_object_idx").on(t.object_id),
  ],
);

/** One unit of sync work: a backfill, reconcile, full refresh, or a single activity sync. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    athlete_id: id("athlete_id").notNull(),
    /** backfill | reconcile | full | activity */
    kind: text("kind").notNull(),
    /** webhook | signup | cron | admin | follow_up */
    trigger: text("trigger").notNull(),
    /** queued | running | succeeded | failed | cancelled | held */
    status: text("status").notNull().default("queued"),
    dry_run: boolean("dry_run").notNull().default(false),
    /** An admin confirmed the removals a mass-delete guard held back. */
    allow_mass_delete: boolean("allow_mass_delete").notNull().default(false),
    cursor: jsonb("cursor"),
    pages: integer("pages").notNull().default(0),
    activities_seen: integer("activities_seen").notNull().default(0),
    races_upserted: integer("races_upserted").notNull().default(0),
    races_removed: integer("races_removed").notNull().default(0),
    api_calls: integer("api_calls").notNull().default(0),
    estimated_total: integer("estimated_total"),
    /** An import's estimated seconds to finish, from its pages left and the budget's pace. */
    eta_seconds: integer("eta_seconds"),
    cancel_requested: boolean("cancel_requested").notNull().default(false),
    summary: jsonb("summary"),
    error: text("error"),
    created_at: createdAt(),
    started_at: ts("started_at"),
    finished_at: ts("finished_at"),
    updated_at: updatedAt(),
  },
  (t) => [
    index("sync_runs_athlete_idx").on(t.athlete_id, t.created_at.desc()),
    index("sync_runs_created_idx").on(t.created_at.desc()),
  ],
);

export const syncLogs = pgTable(
  "sync_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    run_id: id("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    at: ts("at").notNull().defaultNow(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    metadata: jsonb("metadata"),
  },
  (t) => [index("sync_logs_run_idx").on(t.run_id, t.id), index("sync_logs_at_idx").on(t.at)],
);

/**
 * Strava API usage per rate-limit window, shared by every worker process.
 * bucket: overall_short | overall_daily | read_short | read_daily.
 */
export const stravaBudget = pgTable(
  "strava_budget",
  {
    bucket: text("bucket").notNull(),
    window_start: ts("window_start").notNull(),
    window_end: ts("window_end").notNull(),
    used: integer("used").notNull().default(0),
    limit: integer("limit").notNull(),
    updated_at: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.window_start] })],
);

/** Strava requests made for each athlete, per hour (admin view "API calls in the last day"). */
export const athleteApiCalls = pgTable(
  "athlete_api_calls",
  {
    athlete_id: id("athlete_id").notNull(),
    hour: ts("hour").notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.athlete_id, t.hour] })],
);

/** A new run that is not a race yet, waiting for its next check (one list call answers an athlete's all). */
export const followUps = pgTable(
  "follow_ups",
  {
    activity_id: id("activity_id").primaryKey(),
    athlete_id: id("athlete_id")
      .notNull()
      .references(() => athletes.strava_id, { onDelete: "cascade" }),
    start_date: ts("start_date").notNull(),
    uploaded_at: ts("uploaded_at").notNull(),
    step: integer("step").notNull().default(0),
    due_at: ts("due_at").notNull(),
    /** What tells the run apart in the club's feed, which has no ids (null: recorded before the feed). */
    distance: doublePrecision("distance"),
    moving_time: integer("moving_time"),
    elapsed_time: integer("elapsed_time"),
    /** Checked in the club's feed (a run shown to everyone, STRAVA_CLUB_ID set) instead of the athlete's list. */
    via_club: boolean("via_club").notNull().default(false),
    /** Club feed reads that did not show it: after two it goes back to the athlete's own checks. */
    club_misses: integer("club_misses").notNull().default(0),
  },
  (t) => [index("follow_ups_athlete_due_idx").on(t.athlete_id, t.due_at)],
);

/** How long after its upload a run was found marked as a race (no athlete id: club-wide figures only). */
export const raceMarkDelays = pgTable("race_mark_delays", {
  activity_id: id("activity_id").primaryKey(),
  delay_s: integer("delay_s").notNull(),
  found_at: ts("found_at").notNull().defaultNow(),
});

/** Strava read calls per daily window and kind of work (webhook, confirmation, follow_up, reconcile, backfill, cache). */
export const stravaUsage = pgTable(
  "strava_usage",
  {
    day_start: ts("day_start").notNull(),
    kind: text("kind").notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day_start, t.kind] })],
);

/**
 * Who is refreshing an athlete's Strava tokens right now: one process at a time, for a few seconds,
 * without a transaction held open across the call to Strava (see strava/token-lease.ts).
 */
export const tokenRefreshLeases = pgTable("token_refresh_leases", {
  athlete_id: id("athlete_id").primaryKey(),
  holder: text("holder").notNull(),
  expires_at: ts("expires_at").notNull(),
});

/** Liveness of worker processes, so jobs held by a dead worker can be released. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  worker_id: text("worker_id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  started_at: ts("started_at").notNull().defaultNow(),
  beat_at: ts("beat_at").notNull().defaultNow(),
});

/** Small key/value settings (webhook subscription id, demo verify token, …). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updated_at: updatedAt(),
});

export type Athlete = typeof athletes.$inferSelect;
export type Race = typeof races.$inferSelect;
export type NewRace = typeof races.$inferInsert;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type SyncRun = typeof syncRuns.$inferSelect;
export type SyncLog = typeof syncLogs.$inferSelect;
export type BudgetRow = typeof stravaBudget.$inferSelect;
