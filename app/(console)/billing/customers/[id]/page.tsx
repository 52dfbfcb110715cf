import { CustomerDetail } from "@/components/billing/customer-detail";
import { billingAccess } from "../../access";

export default async function BillingCustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { canWrite } = await billingAccess();
  const { id } = await params;
  return <CustomerDetail id={id} canWrite={canWrite} />;
}
