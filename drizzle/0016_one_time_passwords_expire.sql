-- Custom SQL (drizzle-kit generate --custom): a data change drizzle's schema cannot declare.
-- One-time passwords given before 0015 have no expiry; from this upgrade they have 72 hours,
-- as new ones do, instead of staying valid for good.
UPDATE "staff" SET "password_expires_at" = now() + interval '72 hours' WHERE "must_change_password" AND "password_expires_at" IS NULL;
