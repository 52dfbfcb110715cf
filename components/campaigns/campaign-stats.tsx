import type { ReactNode } from "react";
import { formatCost } from "@/components/messages/format";
import type { CampaignItem } from "@/lib/queries/campaigns";

function share(part: number, whole: number): string | null {
  return whole > 0 ? `${Math.round((part / whole) * 100)} %` : null;
}

function Stat({
  name,
  label,
  value,
  note,
  tone = "slate",
  children,
}: {
  name: string;
  label: string;
  value: ReactNode;
  note?: string | null;
  tone?: "slate" | "green" | "red" | "amber";
  children?: ReactNode;
}) {
  const color = {
    slate: "text-slate-900",
    green: "text-emerald-700",
    red: "text-rose-700",
    amber: "text-amber-700",
  }[tone];
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1">
        <div className="flex items-baseline gap-2">
          <span className={`text-2xl font-semibold tabular-nums ${color}`} data-testid={`stat-${name}`}>
            {value}
          </span>
          {note ? <span className="text-xs text-slate-500">{note}</span> : null}
        </div>
        {children}
      </dd>
    </div>
  );
}

export function CampaignStatsGrid({ campaign }: { campaign: CampaignItem }) {
  const s = campaign.stats;
  const reasons = Object.entries(s.rejected_by_reason).sort((a, b) => b[1] - a[1]);
  const email = campaign.channel === "email";
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="campaign-stats">
      <Stat name="targeted" label="Targeted" value={s.targeted} />
      <Stat name="queued" label="Waiting" value={s.queued} note={s.queued ? "queued or scheduled" : null} />
      <Stat name="sent" label="Sent" value={s.sent} note={share(s.sent, s.targeted)} />
      <Stat
        name="delivered"
        label="Delivered"
        value={s.delivered}
        note={share(s.delivered, s.sent)}
        tone="green"
      />
      <Stat
        name="failed"
        label="Failed"
        value={s.failed}
        note="incl. bounced"
        tone={s.failed ? "red" : "slate"}
      />
      <Stat name="rejected" label="Rejected" value={s.rejected} tone={s.rejected ? "amber" : "slate"}>
        {reasons.length > 0 ? (
          <ul className="mt-2 space-y-0.5 text-xs text-slate-600" data-testid="rejected-reasons">
            {reasons.map(([reason, n]) => (
              <li
                key={reason}
                className="flex justify-between gap-2"
                data-testid={`rejected-reason-${reason}`}
              >
                <span className="truncate font-mono">{reason}</span>
                <span className="tabular-nums">{n}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-xs text-slate-500">Opted out, suppressed or unrenderable recipients.</p>
        )}
      </Stat>
      <Stat
        name="opened"
        label="Opened"
        value={s.opened}
        note={email ? share(s.opened, s.delivered || s.sent) : "email only"}
      />
      <Stat
        name="clicked"
        label="Clicked"
        value={s.clicked}
        note={email ? share(s.clicked, s.delivered || s.sent) : "email only"}
      />
      <Stat
        name="unsubscribed"
        label="Unsubscribed"
        value={s.unsubscribed}
        note={share(s.unsubscribed, s.sent)}
      />
      <Stat name="cancelled" label="Cancelled" value={s.cancelled} />
      <Stat name="cost" label="Cost" value={formatCost(s.cost, s.currency)} />
    </dl>
  );
}

/** After a crash, messages whose provider call was in flight are sent again (at least once); this says how many. */
export function InFlightAtCrash({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <div
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      role="note"
      data-testid="in-flight-at-crash"
    >
      <p>
        <strong>
          In flight at a crash:{" "}
          <span className="tabular-nums" data-testid="stat-in_flight_at_crash">
            {count}
          </span>
        </strong>{" "}
        — {count === 1 ? "this message was" : "these messages were"} sent again after a crash; recipients may
        have received two copies (same Message-ID).
      </p>
      <p className="mt-1 text-xs text-amber-800">
        Every other recipient got exactly one: a message is marked as sending before its provider call and as
        sent right after, so only those calls under way at that instant are ambiguous.
      </p>
    </div>
  );
}
