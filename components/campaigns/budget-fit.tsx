"use client";

import { useQuery } from "@tanstack/react-query";
import { formatCost } from "@/components/messages/format";
import { LoadingRows } from "@/components/ui/states";
import { campaignQueries, type DryRunResult } from "@/lib/queries/campaigns";
import { previewBody, type WizardState } from "./wizard-state";

/**
 * The estimated cost against what remains of each budget covering the send,
 * with a warning in words where it will not fit (a hard stop would refuse the
 * rest and pause the campaign) or would go over a budget that only warns.
 */
export function BudgetFit({ result }: { result: DryRunResult }) {
  const cost = formatCost(result.estimated_cost, result.currency);
  if (result.budgets.length === 0) {
    return (
      <p className="text-sm text-slate-600" data-testid="budget-fit">
        Estimated cost {cost}. No budget covers this channel and category.
      </p>
    );
  }
  const stopped = result.budgets.filter((b) => !b.fits);
  const over = result.budgets.filter((b) => b.fits && result.estimated_cost > b.remaining);
  return (
    <div className="space-y-2 text-sm text-slate-700" data-testid="budget-fit">
      <p>Estimated cost {cost}. Left this month:</p>
      <ul className="list-disc pl-5">
        {result.budgets.map((b) => (
          <li key={b.id} data-testid="budget-fit-row" data-fits={b.fits ? "yes" : "no"}>
            {b.name}: {formatCost(b.remaining, b.currency)}
            {b.hard_stop ? " (hard stop)" : ""}
          </li>
        ))}
      </ul>
      {stopped.length ? (
        <p
          className="rounded-md bg-rose-50 p-3 text-rose-800 ring-1 ring-rose-200"
          role="alert"
          data-testid="budget-fit-warning"
        >
          This campaign will not fit: its estimated cost of {cost} is more than what is left in{" "}
          {stopped.map((b) => `“${b.name}” (${formatCost(b.remaining, b.currency)})`).join(" and ")}. Once the
          budget runs out, the remaining messages are rejected as over budget and the campaign pauses. Raise
          the budget or narrow the audience first.
        </p>
      ) : null}
      {over.length ? (
        <p className="rounded-md bg-amber-50 p-3 text-amber-900 ring-1 ring-amber-200" role="status">
          It will go over {over.map((b) => `“${b.name}”`).join(" and ")}, which only warns: everything is
          still sent.
        </p>
      ) : null}
    </div>
  );
}

/** The review step's cost and budget row: the dry run of the current choices, once a template and audience are picked. */
export function ReviewBudget({ state }: { state: WizardState }) {
  const preview = previewBody(state);
  const body = preview?.template_id ? { ...preview, template_id: preview.template_id } : null;
  const q = useQuery(campaignQueries.dryRun(body));
  if (!body) return <p className="text-slate-500">Pick a template and an audience to see the cost.</p>;
  if (q.isPending) return <LoadingRows rows={1} />;
  if (q.isError) return <p className="text-rose-700">Could not estimate the cost: {q.error.message}</p>;
  return <BudgetFit result={q.data} />;
}
