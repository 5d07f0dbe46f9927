CREATE TABLE "client_changes" (
	"customer_id" integer NOT NULL,
	"client_id" uuid NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "client_changes_customer_id_client_id_pk" PRIMARY KEY("customer_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "client_changes" ADD CONSTRAINT "client_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_changes_received" ON "client_changes" USING btree ("received_at");