"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { TextField } from "@/components/ui/field";
import { costQueries } from "@/lib/queries/costs";
import { BudgetBurnOverTime } from "./budget-burn-chart";
import { BudgetsPanel } from "./budgets-panel";
import { BudgetBurn, CostOverTime, EstimatedVsProvider } from "./cost-charts";
import { ProviderComparisonTable } from "./provider-table";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The /costs page: where the money goes, what is left of each budget, and which provider is worth it. */
export function CostsView({ canWrite }: { canWrite: boolean }) {
  const now = new Date();
  const [range, setRange] = useState({
    start_date: `${day(now).slice(0, 8)}01`,
    end_date: day(now),
  });
  const budgets = useQuery(costQueries.budgets());
  return (
    <div className="space-y-6">
      <div className="grid max-w-md grid-cols-2 gap-3">
        <TextField
          label="From"
          name="start_date"
          type="date"
          value={range.start_date}
          max={range.end_date}
          onChange={(e) => e.target.value && setRange({ ...range, start_date: e.target.value })}
        />
        <TextField
          label="To"
          name="end_date"
          type="date"
          value={range.end_date}
          min={range.start_date}
          onChange={(e) => e.target.value && setRange({ ...range, end_date: e.target.value })}
        />
      </div>
      <CostOverTime range={range} />
      <BudgetBurnOverTime budgets={budgets.data?.data ?? []} query={budgets} />
      <div className="grid gap-6 2xl:grid-cols-2">
        <BudgetBurn budgets={budgets.data?.data ?? []} query={budgets} />
        <EstimatedVsProvider range={range} />
      </div>
      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-900">
          Providers compared (last 30 days) and balances
        </h2>
        <ProviderComparisonTable days={30} />
      </section>
      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-900">Budgets</h2>
        <BudgetsPanel budgets={budgets.data?.data ?? []} canWrite={canWrite} />
      </section>
    </div>
  );
}
