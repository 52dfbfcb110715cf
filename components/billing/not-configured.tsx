import type { BillingStatus } from "@/lib/services/billing/stripe";

const EVENTS = [
  "customer.created",
  "customer.updated",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_failed",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
];

/** What an admin sees instead of billing while no Stripe key is set: what to set, and where. */
export function BillingNotConfigured({ status, webhookUrl }: { status: BillingStatus; webhookUrl: string }) {
  return (
    <div
      className="rounded-lg border border-amber-200 bg-amber-50 px-5 py-5 text-sm text-amber-950"
      data-testid="billing-not-configured"
      role="status"
    >
      <p className="text-base font-semibold">Billing is not configured.</p>
      <p className="mt-1">
        Switchboard bills through your Stripe account, and reads its keys from the environment when it starts.
        Nothing here works until they are set; the rest of Switchboard is unaffected.
      </p>
      <ol className="mt-3 list-decimal space-y-2 pl-5">
        <li>
          Set <code className="rounded bg-amber-100 px-1">STRIPE_SECRET_KEY</code> to your secret key from the
          Stripe dashboard (Developers → API keys):{" "}
          <code className="rounded bg-amber-100 px-1">sk_test_…</code> to try it out,{" "}
          <code className="rounded bg-amber-100 px-1">sk_live_…</code> for real payments.
        </li>
        <li>
          In Stripe, add a webhook endpoint at{" "}
          <code className="rounded bg-amber-100 px-1" data-testid="stripe-webhook-url">
            {webhookUrl}
          </code>{" "}
          for the events {EVENTS.join(", ")}; set{" "}
          <code className="rounded bg-amber-100 px-1">STRIPE_WEBHOOK_SECRET</code> to its signing secret (
          <code className="rounded bg-amber-100 px-1">whsec_…</code>).
          {status.webhooks_configured ? " (Already set.)" : ""}
        </li>
        <li>
          Restart Switchboard. A daily job also re-reads customers, subscriptions and invoices from Stripe.
        </li>
      </ol>
      <p className="mt-3 text-xs text-amber-800">
        <code>STRIPE_API_BASE</code> is only for a proxy or a test double. See the README, section Billing.
      </p>
    </div>
  );
}
