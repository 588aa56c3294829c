CREATE TABLE "token_refresh_leases" (
	"athlete_id" bigint PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
