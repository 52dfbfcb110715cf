CREATE TABLE "campaign_holdouts" (
	"campaign_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_holdouts_pkey" PRIMARY KEY("campaign_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "variants" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "ab_test" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "winner" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "variant" text;--> statement-breakpoint
ALTER TABLE "campaign_holdouts" ADD CONSTRAINT "campaign_holdouts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_holdouts" ADD CONSTRAINT "campaign_holdouts_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_holdouts" ADD CONSTRAINT "campaign_holdouts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_holdouts_campaign_rank_idx" ON "campaign_holdouts" USING btree ("campaign_id","rank");--> statement-breakpoint
CREATE INDEX "campaign_holdouts_org_idx" ON "campaign_holdouts" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "messages_campaign_variant_idx" ON "messages" USING btree ("campaign_id","variant");