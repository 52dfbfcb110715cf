import { and, desc, eq, ilike, or } from "drizzle-orm";
import type Stripe from "stripe";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import {
  type BillingCustomer,
  billingCustomers,
  billingInvoices,
  billingPaymentIntents,
  billingSubscriptions,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { CustomerCreate, CustomerQuery, PaymentMethodJson } from "@/lib/validation/billing";
import { upsertCustomer } from "./mirror";
import { billingPage, getCustomerInOrg, likePattern } from "./rows";
import { answerTime, assertBillingConfigured, callStripe, stripe, stripeIdempotencyKey } from "./stripe";

/** Creates a Stripe customer for the organisation and mirrors it. */
export async function createCustomer({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: CustomerCreate;
  idempotencyKey?: string | null;
}): Promise<BillingCustomer> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const params: Stripe.CustomerCreateParams = {
    email: input.email,
    name: input.name,
    phone: input.phone,
    description: input.description,
    address: input.address,
    metadata: { ...input.metadata, org_id: ctx.orgId },
    ...(input.payment_method
      ? {
          payment_method: input.payment_method,
          invoice_settings: { default_payment_method: input.payment_method },
        }
      : {}),
  };
  const customer = await callStripe(
    () =>
      client.customers.create(params, {
        idempotencyKey: stripeIdempotencyKey(ctx, "customers.create", idempotencyKey),
      }),
    { payment_method: "payment_method", "invoice_settings[default_payment_method]": "payment_method" },
  );
  const db = await getDb();
  return db.transaction(async (tx) => {
    const mirrored = await upsertCustomer(tx, ctx.orgId, customer, answerTime(customer));
    if (!mirrored.row) throw new AppError("internal_error", "Stripe customer could not be mirrored");
    if (mirrored.inserted) {
      await recordAudit(tx, ctx, {
        action: "billing.customer.created",
        resourceType: "billing_customer",
        resourceId: customer.id,
        changes: { email: input.email, name: input.name, payment_method: input.payment_method },
      });
    }
    return mirrored.row;
  });
}

/** Customers of the organisation, newest first, optionally matching a name or email. */
export async function listCustomers({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CustomerQuery;
}): Promise<Page<BillingCustomer>> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const t = billingCustomers;
  const page = keyset(t.stripeCreatedAt, t.id, input.cursor);
  const search = input.search ? likePattern(input.search) : null;
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.orgId, ctx.orgId),
        eq(t.deleted, false),
        search ? or(ilike(t.name, search), ilike(t.email, search)) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return billingPage(rows, input.limit);
}

async function paymentMethodsOf(customer: BillingCustomer): Promise<PaymentMethodJson[]> {
  const list = await callStripe(() => stripe().customers.listPaymentMethods(customer.id, { limit: 10 }));
  return list.data.map((pm) => ({
    id: pm.id,
    type: pm.type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
    is_default: pm.id === customer.defaultPaymentMethod,
  }));
}

/** A customer with its payment methods (live from Stripe), subscriptions, invoices and payments. */
export async function getCustomerDetail({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const customer = await getCustomerInOrg(db, ctx, id);
  const [subscriptions, invoices, paymentIntents] = await Promise.all([
    db
      .select()
      .from(billingSubscriptions)
      .where(and(eq(billingSubscriptions.orgId, ctx.orgId), eq(billingSubscriptions.customerId, id)))
      .orderBy(desc(billingSubscriptions.stripeCreatedAt)),
    db
      .select()
      .from(billingInvoices)
      .where(and(eq(billingInvoices.orgId, ctx.orgId), eq(billingInvoices.customerId, id)))
      .orderBy(desc(billingInvoices.stripeCreatedAt))
      .limit(50),
    db
      .select()
      .from(billingPaymentIntents)
      .where(and(eq(billingPaymentIntents.orgId, ctx.orgId), eq(billingPaymentIntents.customerId, id)))
      .orderBy(desc(billingPaymentIntents.stripeCreatedAt))
      .limit(50),
  ]);
  let paymentMethods: PaymentMethodJson[] | null = null;
  let paymentMethodsError: string | null = null;
  try {
    paymentMethods = await paymentMethodsOf(customer);
  } catch (e) {
    // The rest of the page is local and still useful when Stripe does not answer.
    paymentMethodsError = e instanceof AppError ? e.message : "Stripe did not answer";
  }
  return { customer, subscriptions, invoices, paymentIntents, paymentMethods, paymentMethodsError };
}
