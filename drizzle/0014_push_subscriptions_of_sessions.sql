-- Custom SQL (drizzle-kit generate --custom): a data change drizzle's schema cannot declare.
-- A push subscription now belongs to the session that made it (0015 adds the column, not null),
-- and those stored before cannot be told to which: they go, with the deliveries waiting for them.
-- A signed-in device hands its browser's subscription over again when the app next opens.
-- Among them went every endpoint that was not a push service (SSRF: loopback, private and
-- metadata addresses were accepted); subscribe refuses those from now on.
DELETE FROM "push_subscriptions";
