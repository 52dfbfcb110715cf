"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartCard, DataTable, fmtMoney, PALETTE, pct } from "@/components/costs/chart-card";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { costQueries } from "@/lib/queries/costs";

const day = (d: Date) => d.toISOString().slice(0, 10);
const now = () => new Date();
const last30 = () => ({ start_date: day(new Date(Date.now() - 29 * 86_400_000)), end_date: day(now()) });
const thisMonth = () => ({ start_date: `${day(now()).slice(0, 8)}01`, end_date: day(now()) });

export function VolumeChart() {
  const q = useQuery(costQueries.delivery(last30()));
  const rows = (q.data?.by_day ?? []).map((d) => ({
    ...d,
    // Sent and not (yet) delivered or failed: many channels never send a receipt, and volume must still show.
    other: Math.max(0, d.total - d.delivered - d.failed),
    rate: Number((d.delivery_rate * 100).toFixed(1)),
  }));
  return (
    <ChartCard
      title="Volume and delivery rate, last 30 days"
      description={
        q.data
          ? `${q.data.total.toLocaleString()} messages · ${pct(q.data.delivery_rate)} delivered`
          : undefined
      }
      testId="chart-volume"
      query={q}
      empty={rows.length === 0}
      emptyTitle="No messages yet"
      emptyText={
        <>
          Send a message from{" "}
          <Link className="text-indigo-600 underline" href="/messages">
            Messages
          </Link>{" "}
          or launch a campaign; the chart updates within a minute.
        </>
      }
      chart={() => (
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tick={{ fontSize: 11 }} />
            <YAxis yAxisId="n" tick={{ fontSize: 11 }} width={44} />
            <YAxis
              yAxisId="r"
              orientation="right"
              unit="%"
              domain={[0, 100]}
              tick={{ fontSize: 11 }}
              width={40}
            />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar yAxisId="n" dataKey="delivered" name="Delivered" stackId="v" fill={PALETTE[2]} />
            <Bar yAxisId="n" dataKey="failed" name="Failed" stackId="v" fill={PALETTE[7]} />
            <Bar yAxisId="n" dataKey="other" name="Sent, no receipt yet" stackId="v" fill={PALETTE[5]} />
            <Line yAxisId="r" dataKey="rate" name="Delivery rate %" stroke={PALETTE[0]} dot={false} />
          </ComposedChart>
        </ResponsiveContainer>
      )}
      table={() => (
        <DataTable
          testId="table-volume"
          head={["Day", "Messages", "Delivered", "Failed", "Rate"]}
          rows={rows.map((r) => [r.date, r.total, r.delivered, r.failed, `${r.rate} %`])}
        />
      )}
    />
  );
}

export function MonthCostChart() {
  const summary = useQuery(costQueries.summary({ ...thisMonth(), group_by: "day" }));
  const budgets = useQuery(costQueries.budgets());
  const currency = summary.data?.currency ?? "";
  const budget = (budgets.data?.data ?? [])
    .filter((b) => b.currency === currency && !b.channel && !b.category)
    .reduce((s, b) => s + b.amount, 0);
  let running = 0;
  const rows = (summary.data?.groups ?? []).map((g) => {
    running += g.cost;
    return { date: g.key, cost: g.cost, cumulative: Number(running.toFixed(6)) };
  });
  return (
    <ChartCard
      title="This month's cost against budget"
      description={
        summary.data
          ? `${fmtMoney(summary.data.total, currency)}${budget ? ` of ${fmtMoney(budget, currency)}` : ""}`
          : undefined
      }
      testId="chart-month-cost"
      query={{
        isPending: summary.isPending || budgets.isPending,
        error: summary.error ?? budgets.error,
        refetch: () => Promise.all([summary.refetch(), budgets.refetch()]),
      }}
      empty={rows.length === 0}
      emptyTitle="No cost this month"
      emptyText={
        <>
          Costs appear once messages are sent. Set a budget on the{" "}
          <Link className="text-indigo-600 underline" href="/costs">
            Costs
          </Link>{" "}
          page.
        </>
      }
      chart={() => (
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} width={56} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="cost" name="Per day" fill={PALETTE[1]} />
            <Line dataKey="cumulative" name="Month to date" stroke={PALETTE[0]} dot={false} />
            {budget > 0 ? (
              <ReferenceLine
                y={budget}
                stroke="#dc2626"
                strokeDasharray="4 2"
                label={{ value: "Budget", fontSize: 10 }}
              />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      )}
      table={() => (
        <DataTable
          head={["Day", `Cost (${currency})`, "Month to date"]}
          rows={rows.map((r) => [r.date, r.cost, r.cumulative])}
        />
      )}
    />
  );
}

export function TopTemplatesChart() {
  const q = useQuery(costQueries.summary({ ...last30(), group_by: "template" }));
  const rows = [...(q.data?.groups ?? [])]
    .filter((g) => g.label !== "No template")
    .sort((a, b) => b.messages - a.messages)
    .slice(0, 6);
  return (
    <ChartCard
      title="Top templates, last 30 days"
      testId="chart-top-templates"
      query={q}
      empty={rows.length === 0}
      emptyTitle="No template sends yet"
      emptyText={
        <>
          Send with a{" "}
          <Link className="text-indigo-600 underline" href="/templates">
            template
          </Link>{" "}
          to see which are used most.
        </>
      }
      chart={() => (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="label" width={110} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Bar dataKey="messages" name="Messages" fill={PALETTE[5]} />
          </BarChart>
        </ResponsiveContainer>
      )}
      table={() => (
        <DataTable
          head={["Template", "Messages", `Cost (${q.data?.currency ?? ""})`]}
          rows={rows.map((r) => [r.label, r.messages, r.cost])}
        />
      )}
    />
  );
}

const CIRCUIT: Record<string, string> = {
  closed: "bg-emerald-100 text-emerald-800",
  half_open: "bg-amber-100 text-amber-800",
  open: "bg-rose-100 text-rose-800",
};

export function ProviderHealthPanel() {
  const q = useQuery(costQueries.health());
  return (
    <section
      className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="provider-health"
    >
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Provider health</h2>
      {q.isPending ? (
        <LoadingRows rows={3} />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <DataTable
          head={["Provider", "Channel", "Circuit", "Failures", "Sent today"]}
          rows={[
            ...q.data.email.map((p) => ({ ...p, channel: "email" })),
            ...q.data.sms.map((p) => ({ ...p, channel: "sms" })),
          ].map((p) => [
            `${p.name}${p.enabled ? "" : " (disabled)"}`,
            p.channel,
            p.circuit.replace("_", "-"),
            p.failure_count,
            p.daily_limit ? `${p.sent_today} / ${p.daily_limit}` : String(p.sent_today),
          ])}
        />
      )}
      {q.data ? (
        <p className="mt-2 flex flex-wrap gap-1 text-xs">
          {[...q.data.email, ...q.data.sms]
            .filter((p) => p.circuit !== "closed")
            .map((p) => (
              <span key={p.id} className={`rounded px-1.5 py-0.5 ${CIRCUIT[p.circuit] ?? ""}`}>
                {p.name}: {p.circuit.replace("_", "-")}
              </span>
            ))}
        </p>
      ) : null}
    </section>
  );
}

export function RecentFailures() {
  const q = useQuery(costQueries.failures());
  return (
    <section
      className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="recent-failures"
    >
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Recent failures</h2>
      {q.isPending ? (
        <LoadingRows rows={3} />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <EmptyState title="No failures">Nothing failed, bounced or was rejected recently.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {q.data.data.map((m) => (
            <li key={m.id} className="flex min-w-0 flex-wrap items-baseline justify-between gap-x-3 py-1.5">
              <Link
                href={`/messages/${m.id}`}
                className="min-w-0 truncate font-medium text-indigo-700 hover:underline"
              >
                {m.to}
              </Link>
              <span className="text-xs text-slate-500">
                {m.status} · {m.error ?? "no reason given"} · {new Date(m.updated_at).toLocaleString()}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The dashboard's charts; each refreshes itself (react-query refetchInterval). */
export function DashboardCharts() {
  return (
    <div className="space-y-6" data-testid="dashboard-charts">
      <VolumeChart />
      <div className="grid gap-6 2xl:grid-cols-2">
        <MonthCostChart />
        <TopTemplatesChart />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <ProviderHealthPanel />
        <RecentFailures />
      </div>
    </div>
  );
}
