import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as coupons from "@/app/api/v1/payments/coupons/route";
import * as applyCoupon from "@/app/api/v1/payments/customers/[id]/apply-coupon/route";
import * as customer from "@/app/api/v1/payments/customers/[id]/route";
import * as customers from "@/app/api/v1/payments/customers/route";
import * as invoicePdf from "@/app/api/v1/payments/invoices/[id]/pdf/route";
import * as invoice from "@/app/api/v1/payments/invoices/[id]/route";
import * as invoices from "@/app/api/v1/payments/invoices/route";
import * as paymentIntents from "@/app/api/v1/payments/payment-intents/route";
import * as profile from "@/app/api/v1/payments/profile/route";
import * as cancel from "@/app/api/v1/payments/subscriptions/[id]/cancel/route";
import * as subscription from "@/app/api/v1/payments/subscriptions/[id]/route";
import * as subscriptions from "@/app/api/v1/payments/subscriptions/route";
import * as usage from "@/app/api/v1/payments/usage/route";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { syncBilling } from "@/inngest/functions/billing/sync";
import { getDb } from "@/lib/db";
import { webhookEvents } from "@/lib/db/schema";
import { call, makeKey, makeOrg } from "../factories";

// This file's process has no Stripe configuration at all.
delete process.env.STRIPE_SECRET_KEY;
delete process.env.STRIPE_WEBHOOK_SECRET;
delete process.env.STRIPE_API_BASE;

describe("billing without STRIPE_SECRET_KEY", () => {
  it("every payments route answers 503 billing_not_configured, saying which variables to set", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const manager = await makeKey(orgId, "manager");
    const calls: [string, Parameters<typeof call>[0], Parameters<typeof call>[1]][] = [
      ["GET customers", customers.GET, {}],
      ["POST customers", customers.POST, { method: "POST", body: { email: "a@example.com" } }],
      ["GET customer", customer.GET, { params: { id: "cus_123" } }],
      [
        "POST apply-coupon",
        applyCoupon.POST,
        { method: "POST", params: { id: "cus_123" }, body: { coupon_id: "ABC" } },
      ],
      ["GET payment intents", paymentIntents.GET, {}],
      [
        "POST payment intents",
        paymentIntents.POST,
        { method: "POST", body: { amount: 100, currency: "usd" } },
      ],
      ["GET subscriptions", subscriptions.GET, {}],
      [
        "POST subscriptions",
        subscriptions.POST,
        { method: "POST", body: { customer_id: "cus_123", price_id: "price_basic" } },
      ],
      ["GET subscription", subscription.GET, { params: { id: "sub_123" } }],
      [
        "POST cancel",
        cancel.POST,
        { method: "POST", params: { id: "sub_123" }, body: { at_period_end: true } },
      ],
      ["GET invoices", invoices.GET, {}],
      ["GET invoice", invoice.GET, { params: { id: "in_123" } }],
      ["GET coupons", coupons.GET, {}],
      ["POST coupons", coupons.POST, { method: "POST", body: { percent_off: 10, duration: "once" } }],
      ["GET usage", usage.GET, {}],
      ["GET profile", profile.GET, {}],
      ["PUT profile", profile.PUT, { method: "PUT", body: { legal_name: "Acme" } }],
    ];
    for (const [name, handler, opts] of calls) {
      const res = await call(handler, { key: admin, ...opts });
      expect(res.status, name).toBe(503);
      expect(res.json.error.code, name).toBe("billing_not_configured");
      expect(res.json.error.message, name).toContain("STRIPE_SECRET_KEY");
    }
    const pdf = await invoicePdf.GET(
      new Request("http://localhost/api/v1/payments/invoices/in_123/pdf", {
        headers: { authorization: `Bearer ${admin}` },
      }),
      { params: Promise.resolve({ id: "in_123" }) },
    );
    expect(pdf.status).toBe(503);
    // Roles are still checked first: a manager may read but not write.
    expect((await call(customers.GET, { key: manager })).status).toBe(503);
    expect(
      (await call(customers.POST, { key: manager, method: "POST", body: { email: "a@example.com" } })).status,
    ).toBe(403);
  });

  it("the webhook answers 503 naming STRIPE_WEBHOOK_SECRET and stores nothing", async () => {
    const res = await webhook.POST(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": "t=1,v1=abc" },
        body: JSON.stringify({
          id: "evt_unconfigured",
          object: "event",
          type: "customer.created",
          data: { object: {} },
        }),
      }),
    );
    expect(res.status).toBe(503);
    const json = await res.json();
    expect(json.error).toMatchObject({ code: "billing_not_configured" });
    expect(json.error.message).toContain("STRIPE_WEBHOOK_SECRET");
    const db = await getDb();
    expect(
      await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, "evt_unconfigured")),
    ).toEqual([]);
  });

  it("the daily sync skips, saying why", async () => {
    const { result } = await new InngestTestEngine({ function: syncBilling.inngest }).execute();
    expect(result).toEqual({ skipped: expect.stringContaining("not configured") });
  });
});
