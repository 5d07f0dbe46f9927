ALTER TABLE "bills" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "contracts" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "faucet_links" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "faucets" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "payments" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "readings" ALTER COLUMN "version" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
DROP SEQUENCE "public"."sync_version";