"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { SelectField } from "@/components/ui/field";
import { burnSeries } from "@/lib/format/budget-burn";
import { type BudgetItem, costQueries } from "@/lib/queries/costs";
import { ChartCard, DataTable, fmtMoney, PALETTE } from "./chart-card";

const round6 = (n: number) => Number(n.toFixed(6));

/** The /costs page's budget burn over the month: spend so far, the projection to month end, a line per threshold. */
export function BudgetBurnOverTime({
  budgets,
  query,
}: {
  budgets: BudgetItem[];
  query: Parameters<typeof ChartCard>[0]["query"];
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const b = budgets.find((x) => x.id === picked) ?? budgets[0];
  const summary = useQuery({
    ...costQueries.summary({
      start_date: b?.period_start,
      end_date: b?.period_end,
      group_by: "day",
      channel: b?.channel ?? undefined,
      category: b?.category ?? undefined,
    }),
    enabled: Boolean(b),
  });
  const today = new Date().toISOString().slice(0, 10);
  const rows = b && summary.data ? burnSeries(b, summary.data.groups, today) : [];
  const state = b ? summary : query;
  return (
    <div className="space-y-2">
      {budgets.length > 1 ? (
        <div className="max-w-xs">
          <SelectField
            label="Budget"
            name="burn_budget"
            value={b?.id ?? ""}
            onChange={(e) => setPicked(e.target.value)}
            options={budgets.map((x) => ({ value: x.id, label: x.name }))}
          />
        </div>
      ) : null}
      <ChartCard
        title={b ? `Budget burn over the month — ${b.name}` : "Budget burn over the month"}
        description={
          b
            ? `Spend so far (cumulative, ${b.currency}), the month-end projection at this rate, and a line at each alert threshold. ${b.projection}.`
            : "Cumulative spend against each alert threshold, with the month-end projection."
        }
        testId="chart-budget-burn-over-time"
        query={state}
        empty={!b}
        emptyTitle="No budgets yet"
        emptyText="Create a budget in the Budgets section below (an amount per month, optionally for one channel or category): its spend appears here day by day, with its 50, 80 and 100 % lines and where this month is heading."
        chart={() =>
          b ? (
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={rows} margin={{ right: 16, top: 12 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} tickFormatter={(d: string) => d.slice(8)} />
                <YAxis
                  tick={{ fontSize: 11 }}
                  width={56}
                  domain={[0, (max: number) => Math.max(max, b.amount) * 1.05]}
                />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {b.thresholds.map((t) => (
                  <ReferenceLine
                    key={t}
                    y={round6((b.amount * t) / 100)}
                    stroke={t >= 100 ? "#dc2626" : "#d97706"}
                    strokeDasharray="4 2"
                    label={{ value: `${t} %`, fontSize: 10, position: "insideTopLeft" }}
                  />
                ))}
                <Line
                  type="monotone"
                  dataKey="spent"
                  name="Spent"
                  stroke={PALETTE[0]}
                  dot={false}
                  strokeWidth={2}
                  connectNulls={false}
                />
                <Line
                  type="linear"
                  dataKey="projected"
                  name="Projected"
                  stroke="#64748b"
                  strokeDasharray="6 3"
                  dot={false}
                />
              </LineChart>
            </ResponsiveContainer>
          ) : null
        }
        table={() =>
          b ? (
            <DataTable
              testId="table-budget-burn-over-time"
              head={["Day", `Spent (${b.currency})`, `Projected (${b.currency})`, "Of budget"]}
              rows={rows.map((r) => {
                const v = r.spent ?? r.projected ?? 0;
                return [
                  r.date,
                  r.spent ?? "—",
                  r.projected ?? "—",
                  b.amount > 0 ? `${((v / b.amount) * 100).toFixed(1)} %` : "—",
                ];
              })}
            />
          ) : null
        }
      />
      {b ? (
        <p className="text-xs text-slate-500">
          Budget {fmtMoney(b.amount, b.currency)}; thresholds at{" "}
          {b.thresholds.map((t) => `${t} % (${fmtMoney((b.amount * t) / 100, b.currency)})`).join(", ")}.
        </p>
      ) : null}
    </div>
  );
}
