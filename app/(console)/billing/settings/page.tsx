import { ProfileForm } from "@/components/billing/profile-form";
import { billingAccess } from "../access";

export default async function BillingProfilePage() {
  const { canWrite } = await billingAccess();
  return <ProfileForm canWrite={canWrite} />;
}
