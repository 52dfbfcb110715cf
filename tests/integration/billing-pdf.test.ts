import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as coupons from "@/app/api/v1/payments/coupons/route";
import * as customers from "@/app/api/v1/payments/customers/route";
import * as invoicePdf from "@/app/api/v1/payments/invoices/[id]/pdf/route";
import * as profile from "@/app/api/v1/payments/profile/route";
import * as subscriptions from "@/app/api/v1/payments/subscriptions/route";
import type { BillingInvoice, InvoiceLineSnapshot, Organisation } from "@/lib/db/schema";
import { renderInvoicePdf } from "@/lib/services/billing/invoice-pdf";
import { call, makeKey, makeOrg } from "../factories";
import { type StripeDouble, startStripeDouble, useStripeDouble } from "../stripe-double";

let double: StripeDouble;
const outDir = mkdtempSync(path.join(tmpdir(), "sb-invoice-pdf-"));

beforeAll(async () => {
  double = await startStripeDouble();
  useStripeDouble(double);
});
afterAll(async () => {
  await double?.close();
});

function poppler(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const NO_POPPLER =
  "pdftotext/pdfinfo (poppler-utils) are not installed, so the PDF's text and pages are not checked";

function inspect(pdf: Uint8Array, name: string) {
  const file = path.join(outDir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  return { file, text, pages };
}

describe("invoice PDF", () => {
  it("GET /payments/invoices/{id}/pdf renders our PDF with issuer, customer, lines, discount, tax and totals on one page", async (ctx) => {
    const { orgId, name: orgName } = await makeOrg();
    const key = await makeKey(orgId);
    double.taxPercent = 10;
    await call(profile.PUT, {
      method: "PUT",
      key,
      body: {
        legal_name: "Acme Messaging Ltd",
        email: "billing@acme.test",
        address: { line1: "1 Long Acre", city: "London", postal_code: "WC2E 9LH", country: "GB" },
        tax_id: "GB123456789",
        footer: "Thank you for your business.",
      },
    });
    const c = await call(customers.POST, {
      method: "POST",
      key,
      body: {
        email: "grace@hopper.test",
        name: "Grace Hopper",
        address: {
          line1: "200 Navy Way",
          city: "Arlington",
          state: "VA",
          postal_code: "22201",
          country: "US",
        },
        payment_method: "pm_card_visa",
      },
    });
    const coupon = await call(coupons.POST, {
      method: "POST",
      key,
      body: { name: "Launch 20", percent_off: 20, duration: "once" },
    });
    const sub = await call(subscriptions.POST, {
      method: "POST",
      key,
      body: { customer_id: c.json.id, price_id: "price_pro", quantity: 3, coupon_id: coupon.json.id },
    });
    double.taxPercent = 0;
    expect(sub.status).toBe(201);
    const id = sub.json.latest_invoice_id;

    const res = await invoicePdf.GET(
      new Request(`http://localhost/api/v1/payments/invoices/${id}/pdf`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="invoice-[A-Za-z0-9_-]+\.pdf"$/,
    );
    const pdf = new Uint8Array(await res.arrayBuffer());
    expect(pdf.length).toBeGreaterThan(1000);
    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-");

    if (!poppler()) ctx.skip(NO_POPPLER);
    const { text, pages } = inspect(pdf, "subscription-invoice");
    expect(pages).toBe(1);
    // 3 × 49.00 = 147.00; 20 % off = 29.40; 10 % tax on 117.60 = 11.76; total 129.36, paid.
    for (const expected of [
      "Acme Messaging Ltd",
      orgName,
      "1 Long Acre",
      "WC2E 9LH London",
      "Tax ID: GB123456789",
      "Grace Hopper",
      "grace@hopper.test",
      "200 Navy Way",
      "Pro plan",
      "Subtotal",
      "$147.00",
      "Discount: Launch 20 (20% off)",
      "-$29.40",
      "Tax (10%)",
      "$11.76",
      "Total",
      "$129.36",
      "Amount paid",
      "Amount due",
      "$0.00",
      "Status: PAID",
      "Issued:",
      "Period:",
      "Thank you for your business.",
      "/hosted/invoices/",
      "page 1 of 1",
    ]) {
      expect(text, `the PDF text should contain ${expected}`).toContain(expected);
    }
  });

  const org: Organisation = {
    id: "00000000-0000-4000-8000-000000000001",
    name: "Lines Ltd",
    defaultRegion: "GB",
    smsStopReply: null,
    smsStartReply: null,
    smsHelpReply: null,
    retentionDays: null,
    quietHoursStart: "21:00",
    quietHoursEnd: "08:00",
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  const invoiceWith = (n: number, currency = "jpy"): BillingInvoice => {
    const lines: InvoiceLineSnapshot[] = Array.from({ length: n }, (_, i) => ({
      id: `il_${i}`,
      description: `Usage item ${i + 1}`,
      quantity: 1,
      amount: 1000 * (i + 1),
      currency,
      period_start: 1_767_225_600,
      period_end: 1_769_904_000,
      price_id: null,
    }));
    const subtotal = lines.reduce((s, l) => s + l.amount, 0);
    const now = new Date("2026-01-31T12:00:00Z");
    return {
      id: "in_lines",
      orgId: org.id,
      customerId: null,
      subscriptionId: null,
      number: "LINES-0001",
      status: "open",
      currency,
      subtotal,
      totalDiscount: 0,
      totalTax: 0,
      total: subtotal,
      amountDue: subtotal,
      amountPaid: 0,
      amountRemaining: subtotal,
      lines,
      discounts: [],
      taxes: [],
      customerName: "Bulk Buyer",
      customerEmail: "bulk@example.com",
      customerAddress: null,
      description: null,
      hostedInvoiceUrl: null,
      invoicePdf: null,
      periodStart: null,
      periodEnd: null,
      dueDate: new Date("2026-02-28T00:00:00Z"),
      finalizedAt: now,
      paidAt: null,
      metadata: {},
      livemode: false,
      stripeCreatedAt: now,
      stripeStateAt: now,
      createdAt: now,
      updatedAt: now,
    };
  };

  it("keeps a reasonable invoice (15 lines) on one page and formats a zero-decimal currency", async (ctx) => {
    const pdf = await renderInvoicePdf({
      invoice: invoiceWith(15),
      organisation: org,
      profile: null,
      customer: null,
    });
    if (!poppler()) ctx.skip(NO_POPPLER);
    const { text, pages } = inspect(pdf, "fifteen-lines");
    expect(pages).toBe(1);
    expect(text).toContain("Usage item 15");
    // ¥1,000 + … + ¥15,000 = ¥120,000 (yen have no minor unit).
    expect(text).toContain("¥120,000");
    expect(text).toContain("Due: 28 Feb 2026");
  });

  it("flows a long invoice onto more pages, repeating the column heads and numbering the pages", async (ctx) => {
    const pdf = await renderInvoicePdf({
      invoice: invoiceWith(80, "usd"),
      organisation: org,
      profile: null,
      customer: null,
    });
    if (!poppler()) ctx.skip(NO_POPPLER);
    const { text, pages } = inspect(pdf, "eighty-lines");
    expect(pages).toBeGreaterThan(1);
    expect(text.match(/Description/g)?.length).toBe(pages);
    expect(text).toContain(`page ${pages} of ${pages}`);
    expect(text).toContain("Usage item 80");
    expect(text).toContain("$32,400.00");
  });
});
