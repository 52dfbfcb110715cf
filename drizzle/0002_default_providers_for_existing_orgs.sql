-- Organisations created before the messaging core get the built-in providers
-- every new organisation starts with (sandbox email, console SMS, priority 100).
INSERT INTO "providers" ("org_id", "name", "type", "channel", "priority", "is_default", "sender")
SELECT o."id", 'Sandbox email', 'sandbox', 'email', 100, true, '{"email":"no-reply@switchboard.local","name":"Switchboard"}'::jsonb
FROM "organisations" o
WHERE NOT EXISTS (SELECT 1 FROM "providers" p WHERE p."org_id" = o."id" AND p."channel" = 'email')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "providers" ("org_id", "name", "type", "channel", "priority", "is_default", "sender")
SELECT o."id", 'Console SMS', 'console', 'sms', 100, true, '{"sender_id":"Switchboard"}'::jsonb
FROM "organisations" o
WHERE NOT EXISTS (SELECT 1 FROM "providers" p WHERE p."org_id" = o."id" AND p."channel" = 'sms')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "provider_circuits" ("provider_id")
SELECT p."id" FROM "providers" p
WHERE NOT EXISTS (SELECT 1 FROM "provider_circuits" c WHERE c."provider_id" = p."id");
