import { Badge } from "@/components/ui/badge";

type Tone = "slate" | "green" | "amber" | "red" | "indigo";

const STATUS_TONES: Record<string, Tone> = {
  sent: "green",
  delivered: "green",
  failed: "red",
  bounced: "red",
  undelivered: "red",
  rejected: "red",
  scheduled: "amber",
  queued: "amber",
  sending: "amber",
  cancelled: "slate",
};

export function statusTone(status: string): Tone {
  return STATUS_TONES[status] ?? "slate";
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}

export function ChannelBadge({ channel }: { channel: string }) {
  return <Badge tone={channel === "sms" ? "indigo" : "slate"}>{channel === "sms" ? "SMS" : "Email"}</Badge>;
}

/** Provider prices are fractions of a cent per segment, so keep four decimals rather than rounding to zero. */
export function formatCost(amount: number | null, currency: string | null): string {
  if (amount === null) return "—";
  if (!currency) return amount.toFixed(4);
  try {
    return new Intl.NumberFormat(undefined, {
      style: "currency",
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }).format(amount);
  } catch {
    return `${amount.toFixed(4)} ${currency}`;
  }
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}
