CREATE INDEX "bills_transfer_date" ON "bills" USING btree ("transfer_date");--> statement-breakpoint
CREATE INDEX "notices_version" ON "notices" USING btree ("version");