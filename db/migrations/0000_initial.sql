CREATE TYPE "public"."action_outcome" AS ENUM('released', 'charges_dropped', 'sentenced', 'still_detained', 'moved', 'died_in_custody', 'other');--> statement-breakpoint
CREATE TYPE "public"."action_status" AS ENUM('draft', 'active', 'closed');--> statement-breakpoint
CREATE TYPE "public"."action_theme" AS ENUM('arbitrary_detention', 'torture_risk', 'enforced_disappearance', 'judicial_harassment', 'death_threats', 'unfair_trial', 'freedom_of_expression', 'land_and_environment', 'indigenous_rights', 'labour_rights', 'womens_rights', 'lgbti_rights');--> statement-breakpoint
CREATE TYPE "public"."at_risk_kind" AS ENUM('person', 'group');--> statement-breakpoint
CREATE TYPE "public"."authority_role" AS ENUM('target', 'copy');--> statement-breakpoint
CREATE TYPE "public"."delivery_mode" AS ENUM('individual', 'digest', 'hand');--> statement-breakpoint
CREATE TYPE "public"."digest_period" AS ENUM('hourly', 'daily');--> statement-breakpoint
CREATE TYPE "public"."follow_status" AS ENUM('pending', 'active', 'unsubscribed');--> statement-breakpoint
CREATE TYPE "public"."letter_status" AS ENUM('queued', 'sent', 'failed', 'suppressed');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'sending', 'sent', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."signature_status" AS ENUM('pending', 'confirmed', 'invalidated');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('admin', 'editor', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."suppression_reason" AS ENUM('bounce', 'complaint', 'unsubscribe', 'erasure', 'manual');--> statement-breakpoint
CREATE TABLE "action_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"outcome" "action_outcome",
	"published_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "action_updates_action_sequence" UNIQUE("action_id","sequence"),
	CONSTRAINT "action_updates_sequence_positive" CHECK ("action_updates"."sequence" >= 1)
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"reference" text,
	"reference_year" smallint,
	"reference_number" integer,
	"status" "action_status" DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"at_risk_kind" "at_risk_kind" NOT NULL,
	"at_risk_name" text NOT NULL,
	"at_risk_description" text DEFAULT '' NOT NULL,
	"country" text NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"themes" "action_theme"[] DEFAULT '{}'::action_theme[] NOT NULL,
	"story" text DEFAULT '' NOT NULL,
	"background" text DEFAULT '' NOT NULL,
	"demands" text[] DEFAULT '{}'::text[] NOT NULL,
	"deadline" date,
	"signature_goal" integer DEFAULT 1000 NOT NULL,
	"photo_path" text,
	"photo_alt" text,
	"language" text DEFAULT 'en' NOT NULL,
	"delivery_mode" "delivery_mode" DEFAULT 'individual' NOT NULL,
	"digest_period" "digest_period" DEFAULT 'daily' NOT NULL,
	"throttle_per_hour" integer DEFAULT 60 NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_reason" text,
	"outcome" "action_outcome",
	"outcome_note" text,
	"launched_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actions_slug_unique" UNIQUE("slug"),
	CONSTRAINT "actions_reference_unique" UNIQUE("reference"),
	CONSTRAINT "actions_reference_year_number" UNIQUE("reference_year","reference_number"),
	CONSTRAINT "actions_slug_format" CHECK ("actions"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length("actions"."slug") <= 120),
	CONSTRAINT "actions_reference_format" CHECK ("actions"."reference" ~ '^UA [0-9]{3,}/[0-9]{2}$'),
	CONSTRAINT "actions_reference_parts" CHECK (("actions"."reference" is null) = ("actions"."reference_year" is null and "actions"."reference_number" is null)),
	CONSTRAINT "actions_reference_matches_parts" CHECK ("actions"."reference" is null or "actions"."reference" = 'UA ' || lpad("actions"."reference_number"::text, 3, '0') || '/' || lpad(("actions"."reference_year" % 100)::text, 2, '0')),
	CONSTRAINT "actions_country_format" CHECK ("actions"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "actions_title_present" CHECK (length(btrim("actions"."title")) between 1 and 200),
	CONSTRAINT "actions_at_risk_name_present" CHECK (length(btrim("actions"."at_risk_name")) between 1 and 200),
	CONSTRAINT "actions_signature_goal_positive" CHECK ("actions"."signature_goal" > 0),
	CONSTRAINT "actions_throttle_positive" CHECK ("actions"."throttle_per_hour" > 0),
	CONSTRAINT "actions_launched_has_reference" CHECK ("actions"."status" = 'draft' or ("actions"."reference" is not null and "actions"."launched_at" is not null)),
	CONSTRAINT "actions_active_has_demands" CHECK ("actions"."status" = 'draft' or cardinality("actions"."demands") >= 1),
	CONSTRAINT "actions_closed_consistent" CHECK (("actions"."status" = 'closed') = ("actions"."closed_at" is not null)),
	CONSTRAINT "actions_outcome_only_when_closed" CHECK ("actions"."outcome" is null or "actions"."status" = 'closed'),
	CONSTRAINT "actions_paused_reason" CHECK ("actions"."paused_at" is not null or "actions"."paused_reason" is null)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"staff_user_id" uuid,
	"event" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text,
	"before" jsonb,
	"after" jsonb,
	"ip" "inet"
);
--> statement-breakpoint
CREATE TABLE "authorities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"role" "authority_role" DEFAULT 'target' NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"salutation" text NOT NULL,
	"email" text,
	"postal_address" text DEFAULT '' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "authorities_action_position" UNIQUE("action_id","position"),
	CONSTRAINT "authorities_email_format" CHECK ("authorities"."email" is null or "authorities"."email" ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
	CONSTRAINT "authorities_reachable" CHECK ("authorities"."email" is not null or length(btrim("authorities"."postal_address")) > 0),
	CONSTRAINT "authorities_name_present" CHECK (length(btrim("authorities"."name")) > 0)
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"template" text NOT NULL,
	"to_address" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"transactional" boolean DEFAULT false NOT NULL,
	"action_id" uuid,
	"supporter_id" uuid,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enqueued_at" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"smtp_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_outbox_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "email_outbox_attempts" CHECK ("email_outbox"."attempts" >= 0),
	CONSTRAINT "email_outbox_sent_has_time" CHECK (("email_outbox"."status" = 'sent') = ("email_outbox"."sent_at" is not null)),
	CONSTRAINT "email_outbox_sending_claimed" CHECK ("email_outbox"."status" <> 'sending' or "email_outbox"."claimed_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "follows" (
	"supporter_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"status" "follow_status" DEFAULT 'pending' NOT NULL,
	"confirmed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_supporter_id_action_id_pk" PRIMARY KEY("supporter_id","action_id"),
	CONSTRAINT "follows_active_confirmed" CHECK ("follows"."status" <> 'active' or "follows"."confirmed_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "letter_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "letter_templates_action_language" UNIQUE("action_id","language"),
	CONSTRAINT "letter_templates_body_present" CHECK (length(btrim("letter_templates"."body")) > 0)
);
--> statement-breakpoint
CREATE TABLE "letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"signature_id" uuid NOT NULL,
	"authority_id" uuid NOT NULL,
	"status" "letter_status" DEFAULT 'queued' NOT NULL,
	"outbox_id" uuid,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "letters_signature_authority" UNIQUE("signature_id","authority_id")
);
--> statement-breakpoint
CREATE TABLE "signature_counter_shards" (
	"action_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"confirmed" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "signature_counter_shards_action_id_shard_pk" PRIMARY KEY("action_id","shard"),
	CONSTRAINT "signature_counter_shards_range" CHECK ("signature_counter_shards"."shard" between 0 and 15)
);
--> statement-breakpoint
CREATE TABLE "signatures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" uuid NOT NULL,
	"supporter_id" uuid NOT NULL,
	"status" "signature_status" DEFAULT 'pending' NOT NULL,
	"country" text NOT NULL,
	"personal_message" text,
	"consent_at" timestamp with time zone NOT NULL,
	"ip_hash" text,
	"confirmed_at" timestamp with time zone,
	"invalidated_at" timestamp with time zone,
	"invalidation_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signatures_one_per_supporter_per_action" UNIQUE("action_id","supporter_id"),
	CONSTRAINT "signatures_country_format" CHECK ("signatures"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "signatures_confirmed_has_time" CHECK ("signatures"."status" <> 'confirmed' or "signatures"."confirmed_at" is not null),
	CONSTRAINT "signatures_invalidated_has_time" CHECK (("signatures"."status" = 'invalidated') = ("signatures"."invalidated_at" is not null)),
	CONSTRAINT "signatures_personal_message_length" CHECK ("signatures"."personal_message" is null or length("signatures"."personal_message") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "staff_password_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"staff_user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"staff_user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"password_hash" text,
	"failed_login_count" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_users_email_unique" UNIQUE("email"),
	CONSTRAINT "staff_users_email_lowercase" CHECK ("staff_users"."email" = lower("staff_users"."email") and "staff_users"."email" like '%_@_%'),
	CONSTRAINT "staff_users_failed_login_count" CHECK ("staff_users"."failed_login_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supporters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text,
	"email_canonical" text,
	"first_name" text,
	"last_name" text,
	"country" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"news_consent_at" timestamp with time zone,
	"unsubscribed_all_at" timestamp with time zone,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supporters_email_canonical_unique" UNIQUE("email_canonical"),
	CONSTRAINT "supporters_erased_has_no_personal_data" CHECK (case when "supporters"."erased_at" is null
        then "supporters"."email" is not null and "supporters"."email_canonical" is not null
        else "supporters"."email" is null and "supporters"."email_canonical" is null and "supporters"."first_name" is null and "supporters"."last_name" is null
      end),
	CONSTRAINT "supporters_country_format" CHECK ("supporters"."country" is null or "supporters"."country" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"email_canonical" text PRIMARY KEY NOT NULL,
	"reason" "suppression_reason" NOT NULL,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_updates" ADD CONSTRAINT "action_updates_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_updates" ADD CONSTRAINT "action_updates_created_by_id_staff_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_created_by_id_staff_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorities" ADD CONSTRAINT "authorities_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_supporter_id_supporters_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."supporters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_supporter_id_supporters_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."supporters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_templates" ADD CONSTRAINT "letter_templates_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_signature_id_signatures_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."signatures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_authority_id_authorities_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authorities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letters" ADD CONSTRAINT "letters_outbox_id_email_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."email_outbox"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signature_counter_shards" ADD CONSTRAINT "signature_counter_shards_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_supporter_id_supporters_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."supporters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_password_tokens" ADD CONSTRAINT "staff_password_tokens_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "actions_status_deadline_idx" ON "actions" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "email_outbox_open_idx" ON "email_outbox" USING btree ("status","available_at") WHERE "email_outbox"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "email_outbox_action_idx" ON "email_outbox" USING btree ("action_id","status");--> statement-breakpoint
CREATE INDEX "follows_action_status_idx" ON "follows" USING btree ("action_id","status");--> statement-breakpoint
CREATE INDEX "letters_authority_status_idx" ON "letters" USING btree ("authority_id","status");--> statement-breakpoint
CREATE INDEX "signatures_action_status_idx" ON "signatures" USING btree ("action_id","status","confirmed_at");--> statement-breakpoint
CREATE INDEX "signatures_supporter_idx" ON "signatures" USING btree ("supporter_id");--> statement-breakpoint
CREATE INDEX "staff_sessions_user_idx" ON "staff_sessions" USING btree ("staff_user_id");