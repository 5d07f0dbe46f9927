CREATE TABLE "import_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"encoding" text NOT NULL,
	"ran_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"rows_read" integer NOT NULL,
	"inserted" integer NOT NULL,
	"updated" integer NOT NULL,
	"unchanged" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_slip_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"faucet_id" integer NOT NULL,
	"paperless" boolean NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"effective_on" date NOT NULL,
	"exported_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "paper_slip_changes" ADD CONSTRAINT "paper_slip_changes_faucet_id_faucets_id_fk" FOREIGN KEY ("faucet_id") REFERENCES "public"."faucets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "paper_slip_changes_pending" ON "paper_slip_changes" USING btree ("exported_at");