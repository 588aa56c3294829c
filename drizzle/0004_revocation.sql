CREATE TABLE "athlete_tombstones" (
	"strava_id" bigint PRIMARY KEY NOT NULL,
	"revoked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "athlete_tombstones" ("strava_id", "revoked_at")
	SELECT "strava_id", coalesce("deauthorized_at", now()) FROM "athletes" WHERE "status" = 'deauthorized'
	ON CONFLICT DO NOTHING;
--> statement-breakpoint
DELETE FROM "webhook_events" e USING "athlete_tombstones" t WHERE e."owner_id" = t."strava_id";
--> statement-breakpoint
DELETE FROM "sync_runs" s USING "athlete_tombstones" t WHERE s."athlete_id" = t."strava_id";
--> statement-breakpoint
DELETE FROM "athlete_api_calls" c USING "athlete_tombstones" t WHERE c."athlete_id" = t."strava_id";
--> statement-breakpoint
DELETE FROM "athletes" WHERE "status" = 'deauthorized';
