import { Badge } from "@/components/ui/badge";
import type { CampaignOutcome, CampaignStatus } from "@/lib/queries/campaigns";

const STATUS_TONES = {
  draft: "slate",
  scheduled: "amber",
  running: "indigo",
  paused: "amber",
  completed: "green",
  cancelled: "red",
} as const satisfies Record<CampaignStatus, string>;

/** The status, and for a completed campaign that reached nobody a red badge that says so. */
export function CampaignStatusBadge({
  status,
  outcome = null,
  testId,
}: {
  status: CampaignStatus;
  outcome?: CampaignOutcome;
  testId?: string;
}) {
  const nobody = status === "completed" && outcome === "none_sent";
  return (
    <span data-testid={testId} data-status={status} data-outcome={outcome ?? undefined}>
      <Badge tone={nobody ? "red" : STATUS_TONES[status]}>
        {nobody ? "completed · nobody reached" : status}
      </Badge>
    </span>
  );
}

/** Whole percent of a 0–1 share, clamped, as the progress bars show it. */
export function percent(progress: number): number {
  if (!Number.isFinite(progress)) return 0;
  return Math.max(0, Math.min(100, Math.round(progress * 100)));
}

export function ProgressBar({
  progress,
  label,
  size = "sm",
  testId,
  tone = "indigo",
}: {
  progress: number;
  label: string;
  size?: "sm" | "lg";
  testId?: string;
  tone?: "indigo" | "green" | "slate" | "red";
}) {
  const pct = percent(progress);
  const fill = {
    indigo: "bg-indigo-500",
    green: "bg-emerald-500",
    slate: "bg-slate-400",
    red: "bg-rose-500",
  }[tone];
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={testId}
      className={`w-full overflow-hidden rounded-full bg-slate-200 ${size === "lg" ? "h-4" : "h-1.5"}`}
    >
      <div
        className={`${size === "lg" ? "h-4" : "h-1.5"} rounded-full transition-[width] duration-500 ${fill}`}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** The progress bar's colour: green when done, red when done but nobody was reached, grey when cancelled. */
export function progressTone(c: {
  status: CampaignStatus;
  outcome: CampaignOutcome;
}): "indigo" | "green" | "slate" | "red" {
  if (c.status === "completed") return c.outcome === "none_sent" ? "red" : "green";
  return c.status === "cancelled" ? "slate" : "indigo";
}
