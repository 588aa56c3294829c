ALTER TABLE "follow_ups" ADD COLUMN "distance" double precision;
--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "moving_time" integer;
--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "elapsed_time" integer;
--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "via_club" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "club_misses" integer DEFAULT 0 NOT NULL;
