ALTER TABLE "bills" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "payments" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "readings" DROP COLUMN "id";