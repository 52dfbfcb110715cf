"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { SelectField } from "@/components/ui/field";
import { type BudgetItem, type CostSummary, costQueries } from "@/lib/queries/costs";
import { ChartCard, DataTable, fmtMoney, PALETTE } from "./chart-card";

type Range = { start_date?: string; end_date?: string };

/** Pivots day × group rows into one object per day, for a stacked bar chart. */
function pivot(series: CostSummary["series"]) {
  const keys = new Map<string, string>();
  const days = new Map<string, Record<string, number | string>>();
  for (const s of series) {
    keys.set(s.key, s.label);
    const row = days.get(s.date) ?? { date: s.date };
    row[s.key] = s.cost;
    days.set(s.date, row);
  }
  return { keys: [...keys.entries()], rows: [...days.values()] };
}

export function CostOverTime({ range }: { range: Range }) {
  const [groupBy, setGroupBy] = useState<"provider" | "channel" | "category">("provider");
  const q = useQuery(costQueries.summary({ ...range, group_by: groupBy }));
  const data = q.data ? pivot(q.data.series) : { keys: [], rows: [] };
  return (
    <div className="space-y-2">
      <div className="max-w-xs">
        <SelectField
          label="Stack by"
          name="stack_by"
          value={groupBy}
          onChange={(e) => setGroupBy(e.target.value as typeof groupBy)}
          options={[
            { value: "provider", label: "Provider" },
            { value: "channel", label: "Channel" },
            { value: "category", label: "Category" },
          ]}
        />
      </div>
      <ChartCard
        title={`Cost over time${q.data ? ` — ${fmtMoney(q.data.total, q.data.currency)}` : ""}`}
        description="Per day (UTC), stacked; priced by the provider where it reported a price, else the estimate."
        testId="chart-cost-over-time"
        query={q}
        empty={data.rows.length === 0}
        emptyTitle="No costs in this range"
        emptyText="Send messages through a priced provider (set its cost per unit on the Providers page), or pick another range."
        chart={() => (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data.rows}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="date" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} width={56} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {data.keys.map(([key, label], i) => (
                <Bar key={key} dataKey={key} name={label} stackId="cost" fill={PALETTE[i % PALETTE.length]} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        )}
        table={() => (
          <DataTable
            testId="table-cost-over-time"
            head={["Day", groupBy, "Messages", `Cost (${q.data?.currency ?? ""})`]}
            rows={(q.data?.series ?? []).map((s) => [s.date, s.label, s.messages, s.cost])}
          />
        )}
      />
    </div>
  );
}

export function EstimatedVsProvider({ range }: { range: Range }) {
  const q = useQuery(costQueries.summary({ ...range, group_by: "day" }));
  const d = q.data;
  const rows = d
    ? [
        { label: "Estimated", cost: d.estimated_total },
        { label: "Provider priced", cost: d.provider_total },
      ]
    : [];
  return (
    <ChartCard
      title="Estimated vs provider cost"
      description="Costs still at the estimate (segments × the provider's price) against those the provider reported."
      testId="chart-estimated-vs-provider"
      query={q}
      empty={!d || d.messages === 0}
      emptyTitle="Nothing priced yet"
      emptyText="Costs appear here once messages are sent in this range."
      chart={() => (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} width={56} />
            <Tooltip />
            <Bar dataKey="cost" name={`Cost (${d?.currency ?? ""})`} fill={PALETTE[1]} />
          </BarChart>
        </ResponsiveContainer>
      )}
      table={() => (
        <DataTable
          head={["", `Cost (${d?.currency ?? ""})`]}
          rows={[...rows.map((r) => [r.label, r.cost] as (string | number)[]), ["Total", d?.total ?? 0]]}
        />
      )}
    />
  );
}

export function BudgetBurn({
  budgets,
  query,
}: {
  budgets: BudgetItem[];
  query: Parameters<typeof ChartCard>[0]["query"];
}) {
  const rows = budgets.map((b) => ({
    name: b.name,
    spent: b.amount > 0 ? Number(((b.spent / b.amount) * 100).toFixed(1)) : 0,
    reserved: b.amount > 0 ? Number(((b.reserved / b.amount) * 100).toFixed(1)) : 0,
    projected: b.amount > 0 ? Number(((b.projected_total / b.amount) * 100).toFixed(1)) : 0,
  }));
  const thresholds = [...new Set(budgets.flatMap((b) => b.thresholds))].sort((a, c) => a - c);
  return (
    <ChartCard
      title="Budget burn this month"
      description="Spent and in-flight (reserved) as % of each budget, with its alert thresholds and the month-end projection."
      testId="chart-budget-burn"
      query={query}
      empty={budgets.length === 0}
      emptyTitle="No budgets yet"
      emptyText="Create a budget below to be warned at 50, 80 and 100 % and, with hard stop, to stop marketing before it overruns."
      chart={() => (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis
              type="number"
              unit=" %"
              domain={[0, (max: number) => Math.max(110, Math.ceil(max))]}
              tick={{ fontSize: 11 }}
            />
            <YAxis type="category" dataKey="name" width={96} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {thresholds.map((t) => (
              <ReferenceLine
                key={t}
                x={t}
                stroke={t >= 100 ? "#dc2626" : "#d97706"}
                strokeDasharray="4 2"
                label={{ value: `${t} %`, fontSize: 10, position: "top" }}
              />
            ))}
            <Bar dataKey="spent" name="Spent %" stackId="b" fill={PALETTE[0]} />
            <Bar dataKey="reserved" name="Reserved %" stackId="b" fill="#a5b4fc" />
            <Bar dataKey="projected" name="Projected at month end %" fill="#cbd5e1" />
          </BarChart>
        </ResponsiveContainer>
      )}
      table={() => (
        <DataTable
          testId="table-budget-burn"
          head={["Budget", "Amount", "Spent", "Reserved", "Remaining", "Projected", "Projection"]}
          rows={budgets.map((b) => [
            b.name,
            fmtMoney(b.amount, b.currency),
            b.spent,
            b.reserved,
            b.remaining,
            b.projected_total,
            b.projection,
          ])}
        />
      )}
    />
  );
}
