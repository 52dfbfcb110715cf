import { and, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type BillingPaymentIntent, billingPaymentIntents } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { PaymentIntentCreate, PaymentIntentQuery } from "@/lib/validation/billing";
import { upsertPaymentIntent } from "./mirror";
import { billingPage, getCustomerInOrg, referenced } from "./rows";
import { answerTime, assertBillingConfigured, callStripe, stripe, stripeIdempotencyKey } from "./stripe";

/** Creates a payment intent (amount in the currency's smallest unit) and mirrors it. */
export async function createPaymentIntent({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: PaymentIntentCreate;
  idempotencyKey?: string | null;
}): Promise<{ row: BillingPaymentIntent; clientSecret: string | null }> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const db = await getDb();
  const customerId = input.customer_id;
  if (customerId) await referenced("customer_id", "customer", () => getCustomerInOrg(db, ctx, customerId));
  const intent = await callStripe(
    () =>
      client.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency,
          customer: customerId,
          description: input.description,
          metadata: { ...input.metadata, org_id: ctx.orgId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: stripeIdempotencyKey(ctx, "payment_intents.create", idempotencyKey) },
      ),
    { amount: "amount", currency: "currency", customer: "customer_id", description: "description" },
  );
  return db.transaction(async (tx) => {
    const mirrored = await upsertPaymentIntent(tx, ctx.orgId, intent, answerTime(intent));
    if (!mirrored.row) throw new AppError("internal_error", "Stripe payment intent could not be mirrored");
    if (mirrored.inserted) {
      await recordAudit(tx, ctx, {
        action: "billing.payment_intent.created",
        resourceType: "billing_payment_intent",
        resourceId: intent.id,
        changes: {
          amount: input.amount,
          currency: input.currency,
          customer_id: customerId,
          description: input.description,
        },
      });
    }
    return { row: mirrored.row, clientSecret: intent.client_secret };
  });
}

/** Payment intents of the organisation, newest first. */
export async function listPaymentIntents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PaymentIntentQuery;
}): Promise<Page<BillingPaymentIntent>> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const t = billingPaymentIntents;
  const page = keyset(t.stripeCreatedAt, t.id, input.cursor);
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.orgId, ctx.orgId),
        input.customer_id ? eq(t.customerId, input.customer_id) : undefined,
        input.status ? eq(t.status, input.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return billingPage(rows, input.limit);
}
