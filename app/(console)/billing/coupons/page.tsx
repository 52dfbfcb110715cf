import { CouponsPanel } from "@/components/billing/coupons-panel";
import { billingAccess } from "../access";

export default async function BillingCouponsPage() {
  const { canWrite } = await billingAccess();
  return <CouponsPanel canWrite={canWrite} />;
}
