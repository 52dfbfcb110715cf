import type { Metadata } from "next";
import type { ReactNode } from "react";
import { BillingNotConfigured } from "@/components/billing/not-configured";
import { BillingTabs } from "@/components/billing/tabs";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Forbidden } from "@/components/ui/states";
import { config } from "@/lib/config";
import { billingStatus } from "@/lib/services/billing/stripe";
import { billingAccess } from "./access";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingLayout({ children }: { children: ReactNode }) {
  const access = await billingAccess();
  const status = billingStatus();
  const cfg = config();
  const webhookUrl = `${cfg.appUrl ?? `http://localhost:${cfg.port}`}/api/webhooks/stripe`;
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Billing"
        description="Your customers in Stripe: subscriptions, payments, coupons and invoices."
        actions={
          status.mode ? (
            <span data-testid="stripe-mode">
              <Badge tone={status.mode === "live" ? "green" : "amber"}>
                {status.mode === "live" ? "Stripe live mode" : "Stripe test mode"}
              </Badge>
            </span>
          ) : null
        }
      />
      {!access.canRead ? (
        <Forbidden what="billing" />
      ) : !status.configured ? (
        <BillingNotConfigured status={status} webhookUrl={webhookUrl} />
      ) : (
        <>
          <BillingTabs />
          {access.canWrite ? null : (
            <p className="mt-3 text-sm text-slate-500" data-testid="billing-read-only">
              You can look at billing; only an admin can create or cancel.
            </p>
          )}
          <div className="mt-6">{children}</div>
        </>
      )}
    </div>
  );
}
