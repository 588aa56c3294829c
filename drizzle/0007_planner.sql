CREATE TABLE "follow_ups" (
	"activity_id" bigint PRIMARY KEY NOT NULL,
	"athlete_id" bigint NOT NULL,
	"start_date" timestamp with time zone NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "follow_ups_athlete_id_athletes_strava_id_fk" FOREIGN KEY ("athlete_id") REFERENCES "athletes"("strava_id") ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX "follow_ups_athlete_due_idx" ON "follow_ups" USING btree ("athlete_id","due_at");
--> statement-breakpoint
CREATE TABLE "race_mark_delays" (
	"activity_id" bigint PRIMARY KEY NOT NULL,
	"delay_s" integer NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strava_usage" (
	"day_start" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "strava_usage_day_start_kind_pk" PRIMARY KEY("day_start","kind")
);
--> statement-breakpoint
ALTER TABLE "athletes" ADD COLUMN "last_reconciled_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "eta_seconds" integer;
--> statement-breakpoint
ALTER TABLE "races" ADD COLUMN "confirmed_at" timestamp with time zone DEFAULT now() NOT NULL;
