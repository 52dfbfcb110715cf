import type { ReportFormat, ReportType } from "@/lib/format/report-kinds";

export const TYPE_LABELS: Record<ReportType, string> = {
  summary: "Executive summary",
  cost: "Cost",
  message: "Messages",
  campaign: "Campaigns",
  conversation: "Conversations",
  audit: "Audit log",
};

export const TYPE_HINTS: Record<ReportType, string> = {
  summary:
    "Volume, delivery and opt-out rates, cost, top templates and providers, against the previous period.",
  cost: "Cost per day, provider and channel.",
  message: "Every message in the range, one row each.",
  campaign: "Each campaign's results, or every message of one campaign.",
  conversation: "SMS conversations, one row per number.",
  audit: "Every change made by a person or an API key.",
};

export const FORMAT_LABELS: Record<ReportFormat, string> = {
  pdf: "PDF",
  csv: "CSV (spreadsheet)",
  json: "JSON",
};

export function bytesLabel(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function when(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
