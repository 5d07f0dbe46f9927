-- Added by hand before drizzle-kit's statements, which its schema cannot declare: the trigram
-- operator class the indexes use. pg_trgm is a trusted extension (PostgreSQL 13+), so the
-- portal's database owner may create it without being a superuser; PGlite loads it when
-- opened (server/db/pglite-extensions.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contracts_search_key_trgm" ON "contracts" USING gin ("search_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_search_key_trgm" ON "customers" USING gin ("search_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_email_trgm" ON "customers" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "faucets_faucet_no_trgm" ON "faucets" USING gin ("faucet_no" gin_trgm_ops);