import { UsagePanel } from "@/components/billing/usage-panel";

export default function BillingUsagePage() {
  return <UsagePanel />;
}
