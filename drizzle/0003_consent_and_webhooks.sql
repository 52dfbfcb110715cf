CREATE TABLE "opt_outs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"address" text NOT NULL,
	"channel" "channel" NOT NULL,
	"category" text,
	"reason" text,
	"source" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opt_outs_org_address_channel_category_key" UNIQUE NULLS NOT DISTINCT("org_id","address","channel","category")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"address" text NOT NULL,
	"reason" text NOT NULL,
	"provider_id" uuid,
	"webhook_event_id" uuid,
	"detail" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider_id" uuid,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"message_id" uuid,
	"payload" jsonb NOT NULL,
	"processed_at" timestamp (3) with time zone,
	"error" text,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_events_source_provider_event_key" UNIQUE NULLS NOT DISTINCT("source","provider_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "sms_stop_reply" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "sms_start_reply" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "sms_help_reply" text;--> statement-breakpoint
ALTER TABLE "opt_outs" ADD CONSTRAINT "opt_outs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "opt_outs_org_created_idx" ON "opt_outs" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppressions_org_address_key" ON "suppressions" USING btree ("org_id","address");--> statement-breakpoint
CREATE INDEX "suppressions_org_created_idx" ON "suppressions" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_events_org_received_idx" ON "webhook_events" USING btree ("org_id","received_at","id");