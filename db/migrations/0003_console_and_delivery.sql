ALTER TYPE "public"."letter_status" ADD VALUE 'hand';--> statement-breakpoint
CREATE TABLE "letter_digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"authority_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"letter_count" integer NOT NULL,
	"outbox_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "letter_digests_authority_period" UNIQUE("authority_id","period_start"),
	CONSTRAINT "letter_digests_period" CHECK ("letter_digests"."period_end" > "letter_digests"."period_start"),
	CONSTRAINT "letter_digests_count" CHECK ("letter_digests"."letter_count" > 0)
);
--> statement-breakpoint
ALTER TABLE "action_updates" ADD COLUMN "fanout_total" integer;--> statement-breakpoint
ALTER TABLE "action_updates" ADD COLUMN "fanout_completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "update_id" uuid;--> statement-breakpoint
ALTER TABLE "letters" ADD COLUMN "digest_id" uuid;--> statement-breakpoint
ALTER TABLE "letters" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "csrf_token" text NOT NULL;--> statement-breakpoint
ALTER TABLE "letter_digests" ADD CONSTRAINT "letter_digests_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_digests" ADD CONSTRAINT "letter_digests_authority_id_authorities_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authorities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_digests" ADD CONSTRAINT "letter_digests_outbox_id_email_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."email_outbox"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_update_id_action_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."action_updates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_digest_id_letter_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."letter_digests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_outbox_update_idx" ON "email_outbox" USING btree ("update_id","status");--> statement-breakpoint
CREATE INDEX "letters_queued_idx" ON "letters" USING btree ("authority_id","created_at") WHERE "letters"."status" = 'queued' and "letters"."outbox_id" is null and "letters"."digest_id" is null;