ALTER TABLE "procedures" DROP CONSTRAINT "procedures_kind";--> statement-breakpoint
ALTER TABLE "procedures" ALTER COLUMN "faucet_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "procedures" ALTER COLUMN "contract_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "procedures" ADD COLUMN "applicant_email" text;--> statement-breakpoint
CREATE UNIQUE INDEX "procedures_move_in_client" ON "procedures" USING btree ("client_id") WHERE "procedures"."kind" = 'move-in';--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_move_in_shape" CHECK (case when "procedures"."kind" = 'move-in' then "procedures"."faucet_id" is null and "procedures"."contract_id" is null and "procedures"."applicant_email" is not null
        else "procedures"."faucet_id" is not null and "procedures"."contract_id" is not null and "procedures"."applicant_email" is null end);--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_kind" CHECK (kind in ('holder-change', 'billing-address', 'paper-slip', 'paper-slip-withdrawal', 'move-out', 'move-in'));