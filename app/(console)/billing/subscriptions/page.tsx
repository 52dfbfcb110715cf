import { SubscriptionsPanel } from "@/components/billing/subscriptions-panel";
import { billingAccess } from "../access";

export default async function BillingSubscriptionsPage() {
  const { canWrite } = await billingAccess();
  return <SubscriptionsPanel canWrite={canWrite} />;
}
