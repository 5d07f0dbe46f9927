CREATE SEQUENCE "public"."sync_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "bills" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_id" integer NOT NULL,
	"period" text NOT NULL,
	"usage_tenths" integer NOT NULL,
	"water_charge" integer NOT NULL,
	"sewer_charge" integer NOT NULL,
	"total" integer NOT NULL,
	"tax" integer,
	"issue_date" date NOT NULL,
	"due_date" date,
	"transfer_date" date,
	"version" bigint DEFAULT nextval('sync_version') NOT NULL,
	CONSTRAINT "bills_period" CHECK ("bills"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "bills_amounts" CHECK ("bills"."water_charge" >= 0 and "bills"."sewer_charge" >= 0 and "bills"."total" >= 0 and "bills"."usage_tenths" >= 0)
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_id" integer NOT NULL,
	"holder_name" text NOT NULL,
	"holder_kana" text,
	"phone" text,
	"supply_address" text,
	"billing_name" text,
	"billing_postal_code" text,
	"billing_address" text,
	"contract_start" date NOT NULL,
	"contract_end" date,
	"payment_method" text NOT NULL,
	"version" bigint DEFAULT nextval('sync_version') NOT NULL,
	CONSTRAINT "contracts_faucet_start" UNIQUE("faucet_id","contract_start"),
	CONSTRAINT "contracts_payment_method" CHECK ("contracts"."payment_method" in ('transfer', 'invoice')),
	CONSTRAINT "contracts_window" CHECK ("contracts"."contract_end" is null or "contracts"."contract_end" >= "contracts"."contract_start")
);
--> statement-breakpoint
CREATE TABLE "faucets" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_no" text NOT NULL,
	"version" bigint DEFAULT nextval('sync_version') NOT NULL,
	CONSTRAINT "faucets_faucet_no_unique" UNIQUE("faucet_no")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_id" integer NOT NULL,
	"period" text NOT NULL,
	"amount" integer NOT NULL,
	"method" text NOT NULL,
	"result" text NOT NULL,
	"paid_on" date,
	"version" bigint DEFAULT nextval('sync_version') NOT NULL,
	CONSTRAINT "payments_period" CHECK ("payments"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "payments_amount" CHECK ("payments"."amount" >= 0),
	CONSTRAINT "payments_method" CHECK ("payments"."method" in ('transfer', 'convenience', 'counter', 'other')),
	CONSTRAINT "payments_result" CHECK ("payments"."result" in ('paid', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_id" integer NOT NULL,
	"period" text NOT NULL,
	"reading_date" date NOT NULL,
	"meter_value" integer NOT NULL,
	"usage_tenths" integer NOT NULL,
	"next_reading_date" date,
	"version" bigint DEFAULT nextval('sync_version') NOT NULL,
	CONSTRAINT "readings_period" CHECK ("readings"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "readings_usage" CHECK ("readings"."usage_tenths" >= 0)
);
--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_faucet_id_faucets_id_fk" FOREIGN KEY ("faucet_id") REFERENCES "public"."faucets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_faucet_id_faucets_id_fk" FOREIGN KEY ("faucet_id") REFERENCES "public"."faucets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_faucet_id_faucets_id_fk" FOREIGN KEY ("faucet_id") REFERENCES "public"."faucets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_faucet_id_faucets_id_fk" FOREIGN KEY ("faucet_id") REFERENCES "public"."faucets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bills_faucet_period" ON "bills" USING btree ("faucet_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_faucet_period" ON "payments" USING btree ("faucet_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "readings_faucet_period" ON "readings" USING btree ("faucet_id","period");