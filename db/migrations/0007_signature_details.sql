ALTER TABLE "signatures" ADD COLUMN "first_name" text;--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "last_name" text;--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "wants_follow" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "submission" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Signatures still pending whose signer asked to follow had a pending follow written when signing;
-- the choice now lives on the signature, and the follow is written once it is confirmed.
UPDATE "signatures" s SET "wants_follow" = true FROM "follows" f
WHERE s."status" = 'pending' AND f."supporter_id" = s."supporter_id" AND f."action_id" = s."action_id" AND f."status" = 'pending';
