CREATE TABLE "billing_coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text,
	"percent_off" numeric(5, 2),
	"amount_off" bigint,
	"currency" text,
	"duration" text NOT NULL,
	"duration_in_months" integer,
	"max_redemptions" integer,
	"times_redeemed" integer DEFAULT 0 NOT NULL,
	"redeem_by" timestamp (3) with time zone,
	"valid" boolean DEFAULT true NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"stripe_created_at" timestamp (3) with time zone NOT NULL,
	"stripe_state_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_customers" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text,
	"name" text,
	"phone" text,
	"description" text,
	"address" jsonb,
	"default_payment_method" text,
	"coupon_id" text,
	"balance" bigint DEFAULT 0 NOT NULL,
	"currency" text,
	"delinquent" boolean DEFAULT false NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"stripe_created_at" timestamp (3) with time zone NOT NULL,
	"stripe_state_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" text,
	"subscription_id" text,
	"number" text,
	"status" text,
	"currency" text NOT NULL,
	"subtotal" bigint DEFAULT 0 NOT NULL,
	"total_discount" bigint DEFAULT 0 NOT NULL,
	"total_tax" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"amount_due" bigint DEFAULT 0 NOT NULL,
	"amount_paid" bigint DEFAULT 0 NOT NULL,
	"amount_remaining" bigint DEFAULT 0 NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"discounts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"taxes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"customer_name" text,
	"customer_email" text,
	"customer_address" jsonb,
	"description" text,
	"hosted_invoice_url" text,
	"invoice_pdf" text,
	"period_start" timestamp (3) with time zone,
	"period_end" timestamp (3) with time zone,
	"due_date" timestamp (3) with time zone,
	"finalized_at" timestamp (3) with time zone,
	"paid_at" timestamp (3) with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"stripe_created_at" timestamp (3) with time zone NOT NULL,
	"stripe_state_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_payment_intents" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"description" text,
	"amount_received" bigint DEFAULT 0 NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"latest_charge_id" text,
	"last_error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"stripe_created_at" timestamp (3) with time zone NOT NULL,
	"stripe_state_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_profiles" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"legal_name" text,
	"email" text,
	"address" jsonb,
	"tax_id" text,
	"footer" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"price_id" text,
	"quantity" integer,
	"currency" text,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"cancel_at" timestamp (3) with time zone,
	"canceled_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"current_period_start" timestamp (3) with time zone,
	"current_period_end" timestamp (3) with time zone,
	"trial_end" timestamp (3) with time zone,
	"latest_invoice_id" text,
	"coupon_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"stripe_created_at" timestamp (3) with time zone NOT NULL,
	"stripe_state_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_coupons" ADD CONSTRAINT "billing_coupons_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_customers" ADD CONSTRAINT "billing_customers_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_invoices" ADD CONSTRAINT "billing_invoices_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_payment_intents" ADD CONSTRAINT "billing_payment_intents_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_profiles" ADD CONSTRAINT "billing_profiles_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_subscriptions" ADD CONSTRAINT "billing_subscriptions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_coupons_org_created_idx" ON "billing_coupons" USING btree ("org_id","stripe_created_at","id");--> statement-breakpoint
CREATE INDEX "billing_customers_org_created_idx" ON "billing_customers" USING btree ("org_id","stripe_created_at","id");--> statement-breakpoint
CREATE INDEX "billing_customers_org_email_idx" ON "billing_customers" USING btree ("org_id","email");--> statement-breakpoint
CREATE INDEX "billing_invoices_org_created_idx" ON "billing_invoices" USING btree ("org_id","stripe_created_at","id");--> statement-breakpoint
CREATE INDEX "billing_invoices_org_customer_idx" ON "billing_invoices" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "billing_invoices_org_subscription_idx" ON "billing_invoices" USING btree ("org_id","subscription_id");--> statement-breakpoint
CREATE INDEX "billing_payment_intents_org_created_idx" ON "billing_payment_intents" USING btree ("org_id","stripe_created_at","id");--> statement-breakpoint
CREATE INDEX "billing_payment_intents_org_customer_idx" ON "billing_payment_intents" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "billing_subscriptions_org_created_idx" ON "billing_subscriptions" USING btree ("org_id","stripe_created_at","id");--> statement-breakpoint
CREATE INDEX "billing_subscriptions_org_customer_idx" ON "billing_subscriptions" USING btree ("org_id","customer_id");