import { Badge } from "@/components/ui/badge";
import { formatMoney } from "@/lib/format/money";

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
/** Money as the whole console shows it (lib/format/money). */
export function formatCost(amount: number | null, currency: string | null): string {
  return formatMoney(amount, currency);
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}
