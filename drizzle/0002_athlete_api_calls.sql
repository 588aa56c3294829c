CREATE TABLE "athlete_api_calls" (
	"athlete_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "athlete_api_calls_athlete_id_hour_pk" PRIMARY KEY("athlete_id","hour")
);
