import { InvoicesPanel } from "@/components/billing/invoices-panel";

export default function BillingInvoicesPage() {
  return <InvoicesPanel />;
}
