CREATE TABLE "athletes" (
	"strava_id" bigint PRIMARY KEY NOT NULL,
	"firstname" text DEFAULT '' NOT NULL,
	"lastname" text DEFAULT '' NOT NULL,
	"profile_url" text,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_expires_at" timestamp with time zone,
	"scopes" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"is_hidden" boolean DEFAULT false NOT NULL,
	"is_blocked" boolean DEFAULT false NOT NULL,
	"deauthorized_at" timestamp with time zone,
	"backfill_requested_at" timestamp with time zone,
	"backfill_completed_at" timestamp with time zone,
	"reconcile_watermark" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_sync_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "races" (
	"strava_activity_id" bigint PRIMARY KEY NOT NULL,
	"athlete_id" bigint NOT NULL,
	"name" text NOT NULL,
	"event_name" text,
	"sport_type" text NOT NULL,
	"workout_type" integer,
	"distance" double precision NOT NULL,
	"moving_time" integer NOT NULL,
	"elapsed_time" integer NOT NULL,
	"total_elevation_gain" double precision,
	"start_date" timestamp with time zone NOT NULL,
	"start_date_local" text NOT NULL,
	"timezone" text,
	"average_heartrate" double precision,
	"max_heartrate" double precision,
	"is_private" boolean DEFAULT false NOT NULL,
	"removed_at" timestamp with time zone,
	"last_seen_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strava_budget" (
	"bucket" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	"limit" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strava_budget_bucket_window_start_pk" PRIMARY KEY("bucket","window_start")
);
--> statement-breakpoint
CREATE TABLE "sync_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"athlete_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"cursor" jsonb,
	"pages" integer DEFAULT 0 NOT NULL,
	"activities_seen" integer DEFAULT 0 NOT NULL,
	"races_upserted" integer DEFAULT 0 NOT NULL,
	"races_removed" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"estimated_total" integer,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"summary" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"subscription_id" bigint NOT NULL,
	"object_type" text NOT NULL,
	"aspect_type" text NOT NULL,
	"object_id" bigint NOT NULL,
	"owner_id" bigint NOT NULL,
	"event_time" bigint NOT NULL,
	"updates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text DEFAULT 'queued' NOT NULL,
	"error" text,
	"job_key" text,
	"run_id" bigint
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"beat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "races" ADD CONSTRAINT "races_athlete_id_athletes_strava_id_fk" FOREIGN KEY ("athlete_id") REFERENCES "public"."athletes"("strava_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_logs" ADD CONSTRAINT "sync_logs_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "races_visible_start_idx" ON "races" USING btree ("start_date" DESC NULLS LAST,"strava_activity_id" DESC NULLS LAST) WHERE "races"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "races_athlete_start_idx" ON "races" USING btree ("athlete_id","start_date" DESC NULLS LAST,"strava_activity_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sync_logs_run_idx" ON "sync_logs" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "sync_logs_at_idx" ON "sync_logs" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sync_runs_athlete_idx" ON "sync_runs" USING btree ("athlete_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sync_runs_created_idx" ON "sync_runs" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_dedupe_key_idx" ON "webhook_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_events_object_idx" ON "webhook_events" USING btree ("object_id");