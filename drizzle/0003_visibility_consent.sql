ALTER TABLE "races" ADD COLUMN "visibility" text DEFAULT 'everyone' NOT NULL;--> statement-breakpoint
UPDATE "races" SET "visibility" = 'only_me' WHERE "is_private";--> statement-breakpoint
ALTER TABLE "races" DROP COLUMN "is_private";--> statement-breakpoint
ALTER TABLE "athletes" ADD COLUMN "share_on_board" boolean;--> statement-breakpoint
ALTER TABLE "athletes" ADD COLUMN "share_on_board_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "athletes" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "athletes" DROP COLUMN "is_admin";
