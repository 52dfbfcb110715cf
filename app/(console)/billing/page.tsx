import { CustomersPanel } from "@/components/billing/customers-panel";
import { billingStatus } from "@/lib/services/billing/stripe";
import { billingAccess } from "./access";

export default async function BillingCustomersPage() {
  const { canWrite } = await billingAccess();
  return <CustomersPanel canWrite={canWrite} testMode={billingStatus().mode !== "live"} />;
}
