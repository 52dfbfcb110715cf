import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { getCustomerDetail } from "@/lib/services/billing/customers";
import {
  toCustomerJson,
  toInvoiceJson,
  toPaymentIntentJson,
  toSubscriptionJson,
} from "@/lib/validation/billing";

export const GET = handle(billingOps.getCustomer, async ({ ctx, params }) => {
  const d = await getCustomerDetail({ ctx, id: params.id });
  return {
    ...toCustomerJson(d.customer),
    payment_methods: d.paymentMethods,
    payment_methods_error: d.paymentMethodsError,
    subscriptions: d.subscriptions.map(toSubscriptionJson),
    invoices: d.invoices.map(toInvoiceJson),
    payment_intents: d.paymentIntents.map(toPaymentIntentJson),
  };
});
