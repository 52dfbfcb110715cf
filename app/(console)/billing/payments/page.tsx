import { PaymentsPanel } from "@/components/billing/payments-panel";
import { billingAccess } from "../access";

export default async function BillingPaymentsPage() {
  const { canWrite } = await billingAccess();
  return <PaymentsPanel canWrite={canWrite} />;
}
