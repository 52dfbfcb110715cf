import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as audit from "@/app/api/v1/audit-logs/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
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
import { call, makeKey, makeOrg, uniq } from "../factories";
import { type StripeDouble, startStripeDouble, useStripeDouble } from "../stripe-double";

let double: StripeDouble;

beforeAll(async () => {
  double = await startStripeDouble();
  useStripeDouble(double);
});
afterAll(async () => {
  await double?.close();
});

const post = (
  handler: Parameters<typeof call>[0],
  key: string,
  body: unknown,
  more: Parameters<typeof call>[1] = {},
) => call(handler, { method: "POST", key, body, ...more });

async function newCustomer(key: string, body: Record<string, unknown> = {}) {
  const res = await post(customers.POST, key, {
    email: `${uniq("c")}@example.com`,
    name: "Ada Lovelace",
    ...body,
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; email: string };
}

const requestsTo = (methodAndPath: string) =>
  double.requests.filter((r) => `${r.method} ${r.path}` === methodAndPath);

describe("customers", () => {
  it("creates a customer: the SDK sends the form fields, org metadata and an Idempotency-Key; mirrored and audited", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const email = `${uniq("ada")}@example.com`;
    const res = await post(
      customers.POST,
      key,
      {
        email,
        name: "Ada Lovelace",
        phone: "+44 20 7946 0000",
        address: { line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "gb" },
        payment_method: "pm_card_visa",
        metadata: { crm_id: "42" },
      },
      { headers: { "Idempotency-Key": "create-ada" } },
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(/^cus_/),
      email,
      name: "Ada Lovelace",
      address: { line1: "12 St James's Square", country: "GB" },
      default_payment_method: expect.stringMatching(/^pm_/),
      metadata: { crm_id: "42", org_id: orgId },
    });
    const sent = double.last("POST /v1/customers");
    expect(sent.headers.authorization).toBe(`Bearer ${double.secretKey}`);
    expect(sent.headers["stripe-version"]).toBe(Stripe.API_VERSION);
    expect(sent.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(sent.form).toMatchObject({
      email,
      name: "Ada Lovelace",
      address: { line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
      metadata: { crm_id: "42", org_id: orgId },
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    // Our key, derived from the caller's, not the SDK's own random one.
    expect(sent.idempotencyKey).toMatch(/^sb_[0-9a-f]{64}$/);

    const list = await call(customers.GET, {
      key,
      path: `/payments/customers?search=${encodeURIComponent(email.slice(0, 8))}`,
    });
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual([res.json.id]);
    const none = await call(customers.GET, { key, path: "/payments/customers?search=nobody-like-this" });
    expect(none.json.data).toEqual([]);

    const detail = await call(customer.GET, { key, params: { id: res.json.id } });
    expect(detail.status).toBe(200);
    expect(detail.json.payment_methods).toEqual([
      expect.objectContaining({ type: "card", brand: "visa", last4: "4242", is_default: true }),
    ]);
    expect(detail.json).toMatchObject({ subscriptions: [], invoices: [], payment_intents: [] });

    const log = await call(audit.GET, { key, path: "/audit-logs?resource_type=billing_customer" });
    expect(log.json.data).toEqual([
      expect.objectContaining({ action: "billing.customer.created", resource_id: res.json.id }),
    ]);
  });

  it("replays a create retried with the same Idempotency-Key, and answers 409 for the key with another body", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const body = { email: `${uniq("bob")}@example.com`, name: "Bob" };
    const headers = { "Idempotency-Key": "same-key" };
    const first = await post(customers.POST, key, body, { headers });
    const second = await post(customers.POST, key, body, { headers });
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
    const sends = requestsTo("POST /v1/customers").filter((r) => r.form.email === body.email);
    expect(sends).toHaveLength(2);
    expect(sends[1]?.idempotencyKey).toBe(sends[0]?.idempotencyKey);
    expect(sends[1]?.replayed).toBe(true);

    const other = await post(customers.POST, key, { ...body, name: "Robert" }, { headers });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("conflict");

    const list = await call(customers.GET, { key });
    expect(list.json.data).toHaveLength(1);
    const log = await call(audit.GET, { key, path: "/audit-logs?action=billing.customer.created" });
    expect(log.json.data).toHaveLength(1);
    // Another organisation using the same Idempotency-Key gets its own customer.
    const other2 = await makeOrg();
    const theirs = await post(customers.POST, await makeKey(other2.orgId), body, { headers });
    expect(theirs.status).toBe(201);
    expect(theirs.json.id).not.toBe(first.json.id);
  });

  it("a network error after Stripe did the work is retried by the SDK with the same key: one customer", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const email = `${uniq("net")}@example.com`;
    double.dropAfterWork("POST /v1/customers");
    const res = await post(customers.POST, key, { email });
    expect(res.status).toBe(201);
    const sends = requestsTo("POST /v1/customers").filter((r) => r.form.email === email);
    expect(sends).toHaveLength(2);
    expect(sends[0]?.idempotencyKey).toBeTruthy();
    expect(sends[1]?.idempotencyKey).toBe(sends[0]?.idempotencyKey);
    expect(sends.map((r) => r.replayed)).toEqual([false, true]);
    expect((await call(customers.GET, { key })).json.data).toHaveLength(1);
  });

  it("when every try fails the caller gets 502, and retrying with its Idempotency-Key still makes one customer", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const email = `${uniq("down")}@example.com`;
    const headers = { "Idempotency-Key": "retry-me" };
    double.dropAfterWork("POST /v1/customers", 10);
    const failed = await post(customers.POST, key, { email }, { headers });
    double.stopDropping();
    expect(failed.status).toBe(502);
    expect(failed.json.error.code).toBe("stripe_unreachable");
    expect((await call(customers.GET, { key })).json.data).toHaveLength(0);
    const tries = requestsTo("POST /v1/customers").filter((r) => r.form.email === email).length;
    expect(tries).toBeGreaterThan(1);
    const retried = await post(customers.POST, key, { email }, { headers });
    expect(retried.status).toBe(201);
    const sends = requestsTo("POST /v1/customers").filter((r) => r.form.email === email);
    expect(sends).toHaveLength(tries + 1);
    expect(new Set(sends.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(sends.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await call(customers.GET, { key })).json.data.map((c: { id: string }) => c.id)).toEqual([
      retried.json.id,
    ]);
  });
});

describe("payment intents", () => {
  it("creates one in the smallest currency unit for a customer of the organisation", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const c = await newCustomer(key);
    const res = await post(
      paymentIntents.POST,
      key,
      { amount: 1999, currency: "EUR", customer_id: c.id, description: "Order 1001" },
      { headers: { "Idempotency-Key": "order-1001" } },
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(/^pi_/),
      amount: 1999,
      currency: "eur",
      customer_id: c.id,
      status: "requires_payment_method",
      client_secret: expect.stringContaining("_secret_"),
    });
    const sent = double.last("POST /v1/payment_intents");
    expect(sent.form).toMatchObject({
      amount: "1999",
      currency: "eur",
      customer: c.id,
      description: "Order 1001",
      metadata: { org_id: orgId },
      automatic_payment_methods: { enabled: "true" },
    });
    expect(sent.idempotencyKey).toMatch(/^sb_/);
    const list = await call(paymentIntents.GET, {
      key,
      path: `/payments/payment-intents?customer_id=${c.id}`,
    });
    expect(list.json.data).toEqual([expect.objectContaining({ id: res.json.id, amount: 1999 })]);
    expect(list.json.data[0]).not.toHaveProperty("client_secret");

    const other = await makeOrg();
    const theirs = await newCustomer(await makeKey(other.orgId));
    const foreign = await post(paymentIntents.POST, key, {
      amount: 100,
      currency: "usd",
      customer_id: theirs.id,
    });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error).toMatchObject({
      code: "customer_not_found",
      details: [{ field: "customer_id" }],
    });
  });
});

describe("subscriptions and invoices", () => {
  it("subscribes to a price, mirrors the first invoice, cancels at period end, then now", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const c = await newCustomer(key, { payment_method: "pm_card_visa" });
    const res = await post(subscriptions.POST, key, {
      customer_id: c.id,
      price_id: "price_basic",
      quantity: 2,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      customer_id: c.id,
      status: "active",
      price_id: "price_basic",
      quantity: 2,
      cancel_at_period_end: false,
      current_period_end: expect.any(String),
      latest_invoice_id: expect.stringMatching(/^in_/),
    });
    const sent = double.last("POST /v1/subscriptions");
    expect(sent.form).toMatchObject({
      customer: c.id,
      items: [{ price: "price_basic", quantity: "2" }],
      metadata: { org_id: orgId },
    });
    expect(sent.form.expand).toContain("latest_invoice");
    expect(sent.idempotencyKey).toMatch(/^sb_/);

    const list = await call(invoices.GET, { key, path: `/payments/invoices?subscription_id=${res.json.id}` });
    expect(list.json.data).toEqual([
      expect.objectContaining({
        id: res.json.latest_invoice_id,
        status: "paid",
        total: 3000,
        amount_paid: 3000,
        hosted_invoice_url: expect.stringContaining("/hosted/invoices/"),
        invoice_pdf: expect.stringContaining("/pdf"),
        pdf_url: `/api/v1/payments/invoices/${res.json.latest_invoice_id}/pdf`,
      }),
    ]);
    const detail = await call(invoice.GET, { key, params: { id: res.json.latest_invoice_id } });
    expect(detail.json.lines).toEqual([
      expect.objectContaining({
        quantity: 2,
        amount: 3000,
        description: expect.stringContaining("Basic plan"),
      }),
    ]);
    expect((await call(subscription.GET, { key, params: { id: res.json.id } })).json.id).toBe(res.json.id);

    const later = await post(cancel.POST, key, { at_period_end: true }, { params: { id: res.json.id } });
    expect(later.status).toBe(200);
    expect(later.json).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: expect.any(String),
    });
    expect(double.last(`POST /v1/subscriptions/${res.json.id}`).form).toMatchObject({
      cancel_at_period_end: "true",
    });

    const now = await post(cancel.POST, key, {}, { params: { id: res.json.id } });
    expect(now.status).toBe(200);
    expect(now.json).toMatchObject({ status: "canceled", ended_at: expect.any(String) });
    expect(double.last().method).toBe("DELETE");
    const again = await post(cancel.POST, key, {}, { params: { id: res.json.id } });
    expect(again.status).toBe(422);
    expect(again.json.error.code).toBe("subscription_ended");

    const actions = (
      await call(audit.GET, { key, path: "/audit-logs?resource_type=billing_subscription" })
    ).json.data.map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual([
      "billing.subscription.canceled",
      "billing.subscription.canceled",
      "billing.subscription.created",
    ]);
  });

  it("without a card the subscription is incomplete and its invoice open; an unknown price is a 422 on price_id", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const c = await newCustomer(key);
    const res = await post(subscriptions.POST, key, { customer_id: c.id, price_id: "price_pro" });
    expect(res.json.status).toBe("incomplete");
    const inv = await call(invoices.GET, { key, path: "/payments/invoices?status=open" });
    expect(inv.json.data).toEqual([expect.objectContaining({ total: 4900, amount_remaining: 4900 })]);
    const unknown = await post(subscriptions.POST, key, { customer_id: c.id, price_id: "price_nope" });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({
      code: "stripe_resource_missing",
      details: [{ field: "price_id" }],
    });
  });
});

describe("coupons", () => {
  it("creates percent and amount coupons and applies one to a customer's subscriptions and its future ones", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const pct = await post(
      coupons.POST,
      key,
      { name: "Launch 20", percent_off: 20, duration: "repeating", duration_in_months: 3 },
      { headers: { "Idempotency-Key": "launch-20" } },
    );
    expect(pct.status).toBe(201);
    expect(pct.json).toMatchObject({
      name: "Launch 20",
      percent_off: 20,
      duration: "repeating",
      duration_in_months: 3,
      valid: true,
    });
    expect(double.last("POST /v1/coupons").form).toMatchObject({
      name: "Launch 20",
      percent_off: "20",
      duration: "repeating",
      duration_in_months: "3",
      metadata: { org_id: orgId },
    });
    expect(double.last("POST /v1/coupons").idempotencyKey).toMatch(/^sb_/);
    const off = await post(coupons.POST, key, { amount_off: 500, currency: "USD", duration: "once" });
    expect(off.json).toMatchObject({ amount_off: 500, currency: "usd", duration: "once" });
    const listed = (await call(coupons.GET, { key })).json.data.map((x: { id: string }) => x.id);
    expect(listed.sort()).toEqual([off.json.id, pct.json.id].sort());

    const c = await newCustomer(key, { payment_method: "pm_card_visa" });
    const sub = await post(subscriptions.POST, key, { customer_id: c.id, price_id: "price_basic" });
    const applied = await post(applyCoupon.POST, key, { coupon_id: pct.json.id }, { params: { id: c.id } });
    expect(applied.status).toBe(200);
    expect(applied.json.customer.coupon_id).toBe(pct.json.id);
    expect(applied.json.subscriptions).toEqual([
      expect.objectContaining({ id: sub.json.id, coupon_ids: [pct.json.id] }),
    ]);
    expect(double.last(`POST /v1/subscriptions/${sub.json.id}`).form).toMatchObject({
      discounts: [{ coupon: pct.json.id }],
    });
    expect(double.last(`POST /v1/customers/${c.id}`).form).toMatchObject({
      metadata: { coupon_id: pct.json.id },
    });

    // A new subscription of that customer carries the coupon: 20 % off 15.00.
    const next = await post(subscriptions.POST, key, { customer_id: c.id, price_id: "price_basic" });
    expect(double.last("POST /v1/subscriptions").form).toMatchObject({
      discounts: [{ coupon: pct.json.id }],
    });
    expect(next.json.coupon_ids).toEqual([pct.json.id]);
    const inv = await call(invoice.GET, { key, params: { id: next.json.latest_invoice_id } });
    expect(inv.json).toMatchObject({ subtotal: 1500, total_discount: 300, total: 1200 });
    expect(inv.json.discounts).toEqual([
      expect.objectContaining({ amount: 300, label: "Launch 20 (20% off)" }),
    ]);

    const foreign = await makeOrg();
    const theirCoupon = await post(coupons.POST, await makeKey(foreign.orgId), {
      percent_off: 5,
      duration: "forever",
    });
    const refused = await post(
      applyCoupon.POST,
      key,
      { coupon_id: theirCoupon.json.id },
      { params: { id: c.id } },
    );
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: "coupon_not_found", details: [{ field: "coupon_id" }] });
  });
});

describe("usage and profile", () => {
  it("sums invoices and payments per customer and subscription", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const c = await newCustomer(key, { payment_method: "pm_card_visa" });
    const sub = await post(subscriptions.POST, key, {
      customer_id: c.id,
      price_id: "price_pro",
      quantity: 2,
    });
    await post(paymentIntents.POST, key, { amount: 700, currency: "usd", customer_id: c.id });
    const res = await call(usage.GET, { key, path: `/payments/usage?customer_id=${c.id}` });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual([
      expect.objectContaining({
        customer_id: c.id,
        invoice_count: 1,
        payment_count: 0,
        amounts: [expect.objectContaining({ currency: "usd", invoiced: 9800, paid: 9800, outstanding: 0 })],
        subscriptions: [
          expect.objectContaining({
            subscription_id: sub.json.id,
            status: "active",
            invoice_count: 1,
            amounts: [{ currency: "usd", invoiced: 9800, paid: 9800, outstanding: 0 }],
          }),
        ],
      }),
    ]);
    const bySub = await call(usage.GET, { key, path: `/payments/usage?subscription_id=${sub.json.id}` });
    expect(bySub.json.data[0].subscriptions).toHaveLength(1);
    const future = await call(usage.GET, {
      key,
      path: `/payments/usage?since=${new Date(Date.now() + 86_400_000).toISOString()}`,
    });
    expect(future.json.data[0].invoice_count).toBe(0);
  });

  it("stores the issuer details our invoice PDFs print", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    expect((await call(profile.GET, { key })).json).toMatchObject({ legal_name: null, updated_at: null });
    const put = await call(profile.PUT, {
      method: "PUT",
      key,
      body: {
        legal_name: "Acme Ltd",
        email: "billing@acme.test",
        address: { line1: "1 Main St", country: "us" },
        tax_id: "US123",
      },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      legal_name: "Acme Ltd",
      address: { line1: "1 Main St", country: "US" },
      tax_id: "US123",
    });
  });
});

describe("roles, tenancy and validation", () => {
  it("a manager sees customers, subscriptions and invoices but cannot create or cancel; an admin can; staff sees nothing", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId, "admin");
    const manager = await makeKey(orgId, "manager");
    const staff = await makeKey(orgId, "staff");
    const c = await newCustomer(admin, { payment_method: "pm_card_visa" });
    const sub = await post(subscriptions.POST, admin, { customer_id: c.id, price_id: "price_basic" });
    const invoiceId = sub.json.latest_invoice_id;
    const before = double.requests.length;

    expect((await call(invoices.GET, { key: manager })).json.data.map((i: { id: string }) => i.id)).toEqual([
      invoiceId,
    ]);
    expect((await call(invoice.GET, { key: manager, params: { id: invoiceId } })).status).toBe(200);
    const pdf = await invoicePdf.GET(
      new Request(`http://localhost/api/v1/payments/invoices/${invoiceId}/pdf`, {
        headers: { authorization: `Bearer ${manager}` },
      }),
      { params: Promise.resolve({ id: invoiceId }) },
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await call(customers.GET, { key: manager })).status).toBe(200);
    expect((await call(subscriptions.GET, { key: manager })).status).toBe(200);
    expect((await call(usage.GET, { key: manager })).status).toBe(200);

    const forbidden = [
      await post(customers.POST, manager, { email: "m@example.com" }),
      await post(subscriptions.POST, manager, { customer_id: c.id, price_id: "price_basic" }),
      await post(cancel.POST, manager, { at_period_end: true }, { params: { id: sub.json.id } }),
      await post(paymentIntents.POST, manager, { amount: 100, currency: "usd" }),
      await post(coupons.POST, manager, { percent_off: 10, duration: "once" }),
      await post(applyCoupon.POST, manager, { coupon_id: "X" }, { params: { id: c.id } }),
      await call(profile.PUT, { method: "PUT", key: manager, body: {} }),
    ];
    expect(forbidden.map((r) => r.status)).toEqual(Array(forbidden.length).fill(403));
    expect(double.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
    expect((await call(subscription.GET, { key: manager, params: { id: sub.json.id } })).json.status).toBe(
      "active",
    );

    const canceled = await post(cancel.POST, admin, { at_period_end: true }, { params: { id: sub.json.id } });
    expect(canceled.json.cancel_at_period_end).toBe(true);

    for (const handler of [
      customers.GET,
      invoices.GET,
      subscriptions.GET,
      coupons.GET,
      paymentIntents.GET,
      usage.GET,
      profile.GET,
    ]) {
      expect((await call(handler, { key: staff })).status).toBe(403);
    }
    const staffDetail = [
      await call(customer.GET, { key: staff, params: { id: c.id } }),
      await call(subscription.GET, { key: staff, params: { id: sub.json.id } }),
      await call(invoice.GET, { key: staff, params: { id: invoiceId } }),
      await call(invoicePdf.GET, { key: staff, params: { id: invoiceId } }),
      await post(cancel.POST, staff, {}, { params: { id: sub.json.id } }),
    ];
    expect(staffDetail.map((r) => r.status)).toEqual(Array(staffDetail.length).fill(403));
  });

  it("answers 401 without a key on every payments route", async () => {
    const id = { id: "cus_x" };
    const calls: [Parameters<typeof call>[0], string, Record<string, string>?][] = [
      [customers.GET, "GET"],
      [customers.POST, "POST"],
      [customer.GET, "GET", id],
      [applyCoupon.POST, "POST", id],
      [paymentIntents.GET, "GET"],
      [paymentIntents.POST, "POST"],
      [subscriptions.GET, "GET"],
      [subscriptions.POST, "POST"],
      [subscription.GET, "GET", { id: "sub_x" }],
      [cancel.POST, "POST", { id: "sub_x" }],
      [invoices.GET, "GET"],
      [invoice.GET, "GET", { id: "in_x" }],
      [invoicePdf.GET, "GET", { id: "in_x" }],
      [coupons.GET, "GET"],
      [coupons.POST, "POST"],
      [usage.GET, "GET"],
      [profile.GET, "GET"],
      [profile.PUT, "PUT"],
    ];
    for (const [handler, method, params] of calls) {
      const res = await call(handler, { method, params, ...(method === "GET" ? {} : { body: {} }) });
      expect(res.status, `${method} ${JSON.stringify(params)}`).toBe(401);
      expect(res.json.error.code).toBe("unauthenticated");
    }
  });

  it("another organisation's customer, subscription and invoice answer 404", async () => {
    const mine = await makeOrg();
    const admin = await makeKey(mine.orgId);
    const c = await newCustomer(admin, { payment_method: "pm_card_visa" });
    const sub = await post(subscriptions.POST, admin, { customer_id: c.id, price_id: "price_basic" });
    const theirs = await makeOrg();
    const other = await makeKey(theirs.orgId);
    const results = [
      await call(customer.GET, { key: other, params: { id: c.id } }),
      await post(applyCoupon.POST, other, { coupon_id: "ABC" }, { params: { id: c.id } }),
      await call(subscription.GET, { key: other, params: { id: sub.json.id } }),
      await post(cancel.POST, other, { at_period_end: true }, { params: { id: sub.json.id } }),
      await call(invoice.GET, { key: other, params: { id: sub.json.latest_invoice_id } }),
      await call(invoicePdf.GET, { key: other, params: { id: sub.json.latest_invoice_id } }),
      await call(usage.GET, { key: other, path: `/payments/usage?customer_id=${c.id}` }),
      // A malformed id cannot name any row: 404 as well.
      await call(customer.GET, { key: other, params: { id: "00000000-0000-4000-8000-000000000000" } }),
    ];
    // A well-formed UUID (as other routes use) names no Stripe object either.
    const uuid = "00000000-0000-4000-8000-000000000000";
    results.push(
      await call(subscription.GET, { key: other, params: { id: uuid } }),
      await call(invoice.GET, { key: other, params: { id: uuid } }),
      await post(cancel.POST, other, { at_period_end: true }, { params: { id: uuid } }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(results.length).fill(404));
    for (const list of [customers.GET, subscriptions.GET, invoices.GET]) {
      expect((await call(list, { key: other })).json.data).toEqual([]);
    }
    expect((await call(subscription.GET, { key: admin, params: { id: sub.json.id } })).json.status).toBe(
      "active",
    );
  });

  it("answers 400 naming each bad field of a body or query", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const fields = async (res: Awaited<ReturnType<typeof call>>) => {
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
      return res.json.error.details.map((d: { field: string }) => d.field).sort();
    };
    expect(
      await fields(
        await post(customers.POST, key, { email: "not-an-email", address: { country: "Freedonia" } }),
      ),
    ).toEqual(["address.country", "email"]);
    expect(await fields(await post(customers.POST, key, {}))).toEqual(["email"]);
    expect(
      await fields(
        await post(paymentIntents.POST, key, { amount: 12.5, currency: "dollars", customer_id: "bob" }),
      ),
    ).toEqual(["amount", "currency", "customer_id"]);
    expect(await fields(await post(subscriptions.POST, key, { customer_id: "x", quantity: 0 }))).toEqual([
      "customer_id",
      "price_id",
      "quantity",
    ]);
    expect(
      await fields(await post(cancel.POST, key, { at_period_end: "yes" }, { params: { id: "sub_123" } })),
    ).toEqual(["at_period_end"]);
    expect(await fields(await post(coupons.POST, key, { percent_off: 150 }))).toEqual([
      "duration",
      "percent_off",
    ]);
    expect(
      await fields(
        await post(coupons.POST, key, { percent_off: 10, amount_off: 100, duration: "repeating" }),
      ),
    ).toEqual(["currency", "duration_in_months", "percent_off"]);
    expect(
      await fields(
        await post(applyCoupon.POST, key, { subscription_id: "nope" }, { params: { id: "cus_123" } }),
      ),
    ).toEqual(["coupon_id", "subscription_id"]);
    expect(await fields(await call(profile.PUT, { method: "PUT", key, body: { email: "x" } }))).toEqual([
      "email",
    ]);
    expect(await fields(await call(usage.GET, { key, path: "/payments/usage?since=yesterday" }))).toEqual([
      "since",
    ]);
    expect(
      await fields(await call(invoices.GET, { key, path: "/payments/invoices?status=weird&limit=0" })),
    ).toEqual(["limit", "status"]);
    expect(
      await fields(
        await call(customers.POST, {
          method: "POST",
          key,
          rawBody: "{nope",
          headers: { "content-type": "application/json" },
        }),
      ),
    ).toEqual(["body"]);
    for (const [handler, query, field] of [
      [customers.GET, "/payments/customers?limit=abc", "limit"],
      [subscriptions.GET, "/payments/subscriptions?customer_id=bob", "customer_id"],
      [paymentIntents.GET, "/payments/payment-intents?customer_id=bob", "customer_id"],
      [coupons.GET, "/payments/coupons?limit=1000", "limit"],
    ] as const) {
      expect(await fields(await call(handler, { key, path: query }))).toEqual([field]);
    }
  });

  it("documents every payments route in the OpenAPI document", async () => {
    const doc = await openapi.GET().json();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.startsWith("/payments"))
      .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(
      [
        "GET /payments/customers",
        "POST /payments/customers",
        "GET /payments/customers/{id}",
        "POST /payments/customers/{id}/apply-coupon",
        "GET /payments/payment-intents",
        "POST /payments/payment-intents",
        "GET /payments/subscriptions",
        "POST /payments/subscriptions",
        "GET /payments/subscriptions/{id}",
        "POST /payments/subscriptions/{id}/cancel",
        "GET /payments/invoices",
        "GET /payments/invoices/{id}",
        "GET /payments/invoices/{id}/pdf",
        "GET /payments/coupons",
        "POST /payments/coupons",
        "GET /payments/usage",
        "GET /payments/profile",
        "PUT /payments/profile",
      ].sort(),
    );
    const create = doc.paths["/payments/payment-intents"].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403"]));
  });
});
