DROP INDEX "bills_faucet_period";--> statement-breakpoint
DROP INDEX "payments_faucet_period";--> statement-breakpoint
DROP INDEX "readings_faucet_period";--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_faucet_id_period_pk" PRIMARY KEY("faucet_id","period");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_faucet_id_period_pk" PRIMARY KEY("faucet_id","period");--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_faucet_id_period_pk" PRIMARY KEY("faucet_id","period");