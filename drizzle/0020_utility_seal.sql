-- One deployment, several utilities (issue 29): every row carries its utility, which leads
-- every primary, unique and foreign key. Existing rows take the utility the migrating session
-- is set to (server/db/migrate.ts sets app.utility to the configured profile's id).
ALTER TABLE "contracts" DROP CONSTRAINT "contracts_faucet_start";
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_email_unique";
--> statement-breakpoint
ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_ticket_hash_unique";
--> statement-breakpoint
ALTER TABLE "faucets" DROP CONSTRAINT "faucets_faucet_no_unique";
--> statement-breakpoint
ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_once";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_receipt_no_unique";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_client";
--> statement-breakpoint
ALTER TABLE "push_subscriptions" DROP CONSTRAINT "push_subscriptions_endpoint_unique";
--> statement-breakpoint
ALTER TABLE "staff" DROP CONSTRAINT "staff_email_unique";
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_staff_id_staff_id_fk";
--> statement-breakpoint
ALTER TABLE "bills" DROP CONSTRAINT "bills_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "client_changes" DROP CONSTRAINT "client_changes_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "contracts" DROP CONSTRAINT "contracts_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_proven_contract_id_contracts_id_fk";
--> statement-breakpoint
ALTER TABLE "faucet_links" DROP CONSTRAINT "faucet_links_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "faucet_links" DROP CONSTRAINT "faucet_links_contract_id_contracts_id_fk";
--> statement-breakpoint
ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_notice_id_notices_id_fk";
--> statement-breakpoint
ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_subscription_id_push_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "notice_preferences" DROP CONSTRAINT "notice_preferences_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "notices" DROP CONSTRAINT "notices_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "notices" DROP CONSTRAINT "notices_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" DROP CONSTRAINT "paper_slip_changes_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" DROP CONSTRAINT "paper_slip_changes_contract_id_contracts_id_fk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "procedure_events" DROP CONSTRAINT "procedure_events_procedure_id_procedures_id_fk";
--> statement-breakpoint
ALTER TABLE "procedure_events" DROP CONSTRAINT "procedure_events_staff_id_staff_id_fk";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_contract_id_contracts_id_fk";
--> statement-breakpoint
ALTER TABLE "push_subscriptions" DROP CONSTRAINT "push_subscriptions_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "push_subscriptions" DROP CONSTRAINT "push_subscriptions_session_token_hash_sessions_token_hash_fk";
--> statement-breakpoint
ALTER TABLE "readings" DROP CONSTRAINT "readings_faucet_id_faucets_id_fk";
--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "staff_sessions" DROP CONSTRAINT "staff_sessions_staff_id_staff_id_fk";
--> statement-breakpoint
DROP INDEX "audit_log_at";
--> statement-breakpoint
DROP INDEX "bills_transfer_date";
--> statement-breakpoint
DROP INDEX "email_codes_lookup";
--> statement-breakpoint
DROP INDEX "faucet_links_contract";
--> statement-breakpoint
DROP INDEX "faucet_links_customer";
--> statement-breakpoint
DROP INDEX "notice_deliveries_due";
--> statement-breakpoint
DROP INDEX "notice_deliveries_customer";
--> statement-breakpoint
DROP INDEX "notices_customer";
--> statement-breakpoint
DROP INDEX "notices_version";
--> statement-breakpoint
DROP INDEX "notices_once_per_period";
--> statement-breakpoint
DROP INDEX "paper_slip_changes_pending";
--> statement-breakpoint
DROP INDEX "procedure_events_procedure";
--> statement-breakpoint
DROP INDEX "procedures_customer";
--> statement-breakpoint
DROP INDEX "procedures_queue";
--> statement-breakpoint
DROP INDEX "procedures_move_in_client";
--> statement-breakpoint
DROP INDEX "proof_attempts_faucet";
--> statement-breakpoint
DROP INDEX "proof_attempts_client";
--> statement-breakpoint
DROP INDEX "push_subscriptions_customer";
--> statement-breakpoint
DROP INDEX "push_subscriptions_session";
--> statement-breakpoint
DROP INDEX "rate_events_bucket";
--> statement-breakpoint
DROP INDEX "sessions_customer";
--> statement-breakpoint
DROP INDEX "staff_sessions_staff";
--> statement-breakpoint
ALTER TABLE "bills" DROP CONSTRAINT "bills_faucet_id_period_pk";
--> statement-breakpoint
ALTER TABLE "client_changes" DROP CONSTRAINT "client_changes_customer_id_client_id_pk";
--> statement-breakpoint
ALTER TABLE "notice_preferences" DROP CONSTRAINT "notice_preferences_customer_id_topic_pk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_faucet_id_period_pk";
--> statement-breakpoint
ALTER TABLE "readings" DROP CONSTRAINT "readings_faucet_id_period_pk";
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";
--> statement-breakpoint
ALTER TABLE "contracts" DROP CONSTRAINT "contracts_pkey";
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_pkey";
--> statement-breakpoint
ALTER TABLE "email_codes" DROP CONSTRAINT "email_codes_pkey";
--> statement-breakpoint
ALTER TABLE "faucet_links" DROP CONSTRAINT "faucet_links_pkey";
--> statement-breakpoint
ALTER TABLE "faucets" DROP CONSTRAINT "faucets_pkey";
--> statement-breakpoint
ALTER TABLE "import_runs" DROP CONSTRAINT "import_runs_pkey";
--> statement-breakpoint
ALTER TABLE "notice_deliveries" DROP CONSTRAINT "notice_deliveries_pkey";
--> statement-breakpoint
ALTER TABLE "notices" DROP CONSTRAINT "notices_pkey";
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" DROP CONSTRAINT "paper_slip_changes_pkey";
--> statement-breakpoint
ALTER TABLE "procedure_events" DROP CONSTRAINT "procedure_events_pkey";
--> statement-breakpoint
ALTER TABLE "procedures" DROP CONSTRAINT "procedures_pkey";
--> statement-breakpoint
ALTER TABLE "proof_attempts" DROP CONSTRAINT "proof_attempts_pkey";
--> statement-breakpoint
ALTER TABLE "push_subscriptions" DROP CONSTRAINT "push_subscriptions_pkey";
--> statement-breakpoint
ALTER TABLE "rate_events" DROP CONSTRAINT "rate_events_pkey";
--> statement-breakpoint
ALTER TABLE "receipt_counters" DROP CONSTRAINT "receipt_counters_pkey";
--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_pkey";
--> statement-breakpoint
ALTER TABLE "staff" DROP CONSTRAINT "staff_pkey";
--> statement-breakpoint
ALTER TABLE "staff_sessions" DROP CONSTRAINT "staff_sessions_pkey";
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "bills" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "client_changes" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "email_codes" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "faucet_links" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "faucets" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "notice_preferences" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "procedure_events" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "procedures" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "proof_attempts" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "rate_events" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "readings" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "receipt_counters" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "utility_id" text DEFAULT current_setting('app.utility') NOT NULL;
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_pkey" PRIMARY KEY("utility_id","faucet_id","period");
--> statement-breakpoint
ALTER TABLE "client_changes" ADD CONSTRAINT "client_changes_pkey" PRIMARY KEY("utility_id","customer_id","client_id");
--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "faucet_links" ADD CONSTRAINT "faucet_links_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "faucets" ADD CONSTRAINT "faucets_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "notice_preferences" ADD CONSTRAINT "notice_preferences_pkey" PRIMARY KEY("utility_id","customer_id","topic");
--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" ADD CONSTRAINT "paper_slip_changes_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_pkey" PRIMARY KEY("utility_id","faucet_id","period");
--> statement-breakpoint
ALTER TABLE "procedure_events" ADD CONSTRAINT "procedure_events_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "proof_attempts" ADD CONSTRAINT "proof_attempts_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "rate_events" ADD CONSTRAINT "rate_events_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_pkey" PRIMARY KEY("utility_id","faucet_id","period");
--> statement-breakpoint
ALTER TABLE "receipt_counters" ADD CONSTRAINT "receipt_counters_pkey" PRIMARY KEY("utility_id","year");
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_pkey" PRIMARY KEY("utility_id","token_hash");
--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_pkey" PRIMARY KEY("utility_id","id");
--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_pkey" PRIMARY KEY("utility_id","token_hash");
--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_faucet_start" UNIQUE("utility_id","faucet_id","contract_start");
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_email_key" UNIQUE("utility_id","email");
--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_ticket_hash_key" UNIQUE("utility_id","ticket_hash");
--> statement-breakpoint
ALTER TABLE "faucets" ADD CONSTRAINT "faucets_faucet_no_key" UNIQUE("utility_id","faucet_no");
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_once" UNIQUE NULLS NOT DISTINCT("utility_id","notice_id","channel","subscription_id");
--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_receipt_no_key" UNIQUE("utility_id","receipt_no");
--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_client" UNIQUE("utility_id","customer_id","client_id");
--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_endpoint_key" UNIQUE("utility_id","endpoint");
--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_email_key" UNIQUE("utility_id","email");
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_staff_fk" FOREIGN KEY ("utility_id","staff_id") REFERENCES "public"."staff"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "client_changes" ADD CONSTRAINT "client_changes_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "email_codes" ADD CONSTRAINT "email_codes_contract_fk" FOREIGN KEY ("utility_id","proven_contract_id") REFERENCES "public"."contracts"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "faucet_links" ADD CONSTRAINT "faucet_links_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "faucet_links" ADD CONSTRAINT "faucet_links_contract_fk" FOREIGN KEY ("utility_id","contract_id") REFERENCES "public"."contracts"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_notice_fk" FOREIGN KEY ("utility_id","notice_id") REFERENCES "public"."notices"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_subscription_fk" FOREIGN KEY ("utility_id","subscription_id") REFERENCES "public"."push_subscriptions"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notice_preferences" ADD CONSTRAINT "notice_preferences_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" ADD CONSTRAINT "paper_slip_changes_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" ADD CONSTRAINT "paper_slip_changes_contract_fk" FOREIGN KEY ("utility_id","contract_id") REFERENCES "public"."contracts"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "procedure_events" ADD CONSTRAINT "procedure_events_procedure_fk" FOREIGN KEY ("utility_id","procedure_id") REFERENCES "public"."procedures"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "procedure_events" ADD CONSTRAINT "procedure_events_staff_fk" FOREIGN KEY ("utility_id","staff_id") REFERENCES "public"."staff"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_contract_fk" FOREIGN KEY ("utility_id","contract_id") REFERENCES "public"."contracts"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_session_fk" FOREIGN KEY ("utility_id","session_token_hash") REFERENCES "public"."sessions"("utility_id","token_hash") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_faucet_fk" FOREIGN KEY ("utility_id","faucet_id") REFERENCES "public"."faucets"("utility_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_staff_fk" FOREIGN KEY ("utility_id","staff_id") REFERENCES "public"."staff"("utility_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("utility_id","at");
--> statement-breakpoint
CREATE INDEX "bills_transfer_date" ON "bills" USING btree ("utility_id","transfer_date");
--> statement-breakpoint
CREATE INDEX "email_codes_lookup" ON "email_codes" USING btree ("utility_id","email","purpose","created_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "faucet_links_contract" ON "faucet_links" USING btree ("utility_id","contract_id");
--> statement-breakpoint
CREATE INDEX "faucet_links_customer" ON "faucet_links" USING btree ("utility_id","customer_id");
--> statement-breakpoint
CREATE INDEX "notice_deliveries_due" ON "notice_deliveries" USING btree ("utility_id","due_at") WHERE "notice_deliveries"."state" = 'pending';
--> statement-breakpoint
CREATE INDEX "notice_deliveries_customer" ON "notice_deliveries" USING btree ("utility_id","customer_id","channel");
--> statement-breakpoint
CREATE INDEX "notices_customer" ON "notices" USING btree ("utility_id","customer_id","version");
--> statement-breakpoint
CREATE INDEX "notices_version" ON "notices" USING btree ("utility_id","version");
--> statement-breakpoint
CREATE UNIQUE INDEX "notices_once_per_period" ON "notices" USING btree ("utility_id","customer_id","topic","faucet_id","period") WHERE "notices"."topic" in ('transfer', 'usage-alert');
--> statement-breakpoint
CREATE INDEX "paper_slip_changes_pending" ON "paper_slip_changes" USING btree ("utility_id","exported_at");
--> statement-breakpoint
CREATE INDEX "procedure_events_procedure" ON "procedure_events" USING btree ("utility_id","procedure_id");
--> statement-breakpoint
CREATE INDEX "procedures_customer" ON "procedures" USING btree ("utility_id","customer_id","version");
--> statement-breakpoint
CREATE INDEX "procedures_queue" ON "procedures" USING btree ("utility_id","status","filed_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "procedures_move_in_client" ON "procedures" USING btree ("utility_id","client_id") WHERE "procedures"."kind" = 'move-in';
--> statement-breakpoint
CREATE INDEX "proof_attempts_faucet" ON "proof_attempts" USING btree ("utility_id","faucet_no","attempted_at");
--> statement-breakpoint
CREATE INDEX "proof_attempts_client" ON "proof_attempts" USING btree ("utility_id","client_key","attempted_at");
--> statement-breakpoint
CREATE INDEX "push_subscriptions_customer" ON "push_subscriptions" USING btree ("utility_id","customer_id");
--> statement-breakpoint
CREATE INDEX "push_subscriptions_session" ON "push_subscriptions" USING btree ("utility_id","session_token_hash");
--> statement-breakpoint
CREATE INDEX "rate_events_bucket" ON "rate_events" USING btree ("utility_id","bucket","at");
--> statement-breakpoint
CREATE INDEX "sessions_customer" ON "sessions" USING btree ("utility_id","customer_id");
--> statement-breakpoint
CREATE INDEX "staff_sessions_staff" ON "staff_sessions" USING btree ("utility_id","staff_id");
--> statement-breakpoint
-- Custom SQL (drizzle's schema cannot declare these). A customer who goes (退会) leaves their
-- procedures with the utility: only the customer column is emptied, never the utility.
ALTER TABLE "procedures" ADD CONSTRAINT "procedures_customer_fk" FOREIGN KEY ("utility_id","customer_id") REFERENCES "public"."customers"("utility_id","id") ON DELETE SET NULL ("customer_id");--> statement-breakpoint
-- The database itself keeps the utilities apart: on every table that holds a utility's rows a
-- query sees, and may write, only the rows of the utility its transaction (or session) is set
-- to, and none without one. FORCE: the tables' owner is held to it too; only a superuser is not,
-- which is why the portal queries as portal_app (below).
DO $$
DECLARE
  sealed text;
BEGIN
  FOR sealed IN SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'utility_id' LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', sealed);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', sealed);
    EXECUTE format(
      'CREATE POLICY utility_rows ON %I USING (utility_id = current_setting(''app.utility'', true)) WITH CHECK (utility_id = current_setting(''app.utility'', true))',
      sealed
    );
  END LOOP;
END
$$;--> statement-breakpoint
-- The role the portal's queries run as: not a superuser, so the policies hold for it. Roles
-- belong to the whole server, so another database on it may have made it already; a database
-- user without the right to make roles leaves it to the server's administrator (README).
DO $$
BEGIN
  BEGIN
    CREATE ROLE portal_app NOLOGIN;
  EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN RAISE NOTICE 'role portal_app not made: %', SQLERRM;
  END;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') THEN
    GRANT USAGE ON SCHEMA public TO portal_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
    -- The audit log is append-only for the portal by privilege too, not only by its trigger (0010).
    REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM portal_app;
  END IF;
END
$$;
