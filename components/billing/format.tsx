import { Badge } from "@/components/ui/badge";
import { formatMoney } from "@/lib/services/billing/money";

export { formatMoney };

const tones: Record<string, "slate" | "green" | "amber" | "red" | "indigo"> = {
  active: "green",
  trialing: "indigo",
  paid: "green",
  succeeded: "green",
  open: "amber",
  past_due: "amber",
  incomplete: "amber",
  unpaid: "red",
  requires_payment_method: "amber",
  processing: "indigo",
  canceled: "slate",
  incomplete_expired: "slate",
  void: "slate",
  uncollectible: "red",
  draft: "slate",
};

export function StatusBadge({ status }: { status: string | null }) {
  const s = status ?? "unknown";
  return (
    <span data-testid="billing-status" data-status={s}>
      <Badge tone={tones[s] ?? "slate"}>{s.replace(/_/g, " ")}</Badge>
    </span>
  );
}

export const date = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : "—");
