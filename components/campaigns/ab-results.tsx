"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { type CampaignItem, campaignQueries } from "@/lib/queries/campaigns";
import { api } from "@/lib/queries/fetcher";

const METRIC_WORDS = {
  opens: "opens",
  clicks: "clicks",
  delivered: "deliveries",
  manual: "your pick",
} as const;

const rate = (n: number, of: number) => (of > 0 ? `${((n / of) * 100).toFixed(1)} %` : "—");

/** An A/B campaign's variants side by side, the recipients still waiting, the winner, and "Pick winner" while undecided. */
export function AbResults({ campaign: c }: { campaign: CampaignItem }) {
  const qc = useQueryClient();
  const toast = useToast();
  const pick = useMutation({
    mutationFn: (variant: string) =>
      api<CampaignItem>(`/campaigns/${c.id}/pick-winner`, { method: "POST", body: { variant } }),
    onSuccess: (updated) => {
      qc.setQueryData(campaignQueries.detail(c.id).queryKey, updated);
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      toast(`${updated.winner} wins: sending it to the ${c.stats.waiting} waiting recipients`);
    },
    onError: (e) => toast(e.message, "error"),
  });
  if (!c.variants || !c.ab_test) return null;
  const ab = c.ab_test;
  const launched = c.status === "running" || c.status === "paused" || c.status === "completed";
  const canPick = !c.winner && (c.status === "running" || c.status === "paused");
  const rows = c.stats.variants;
  return (
    <section className="space-y-3" aria-labelledby="ab-results-title" data-testid="ab-results">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="ab-results-title" className="text-base font-semibold text-slate-900">
          A/B test
        </h2>
        <p className="text-sm text-slate-600" data-testid="ab-summary">
          {ab.test_percent} % tested across {c.variants.length} variants; winner by {METRIC_WORDS[ab.metric]}
          {ab.wait_minutes ? ` after ${ab.wait_minutes} min` : ""}.
        </p>
      </div>
      <div className="flex flex-wrap gap-4 text-sm">
        <p data-testid="ab-waiting">
          <span className="text-slate-500">Waiting for the winner:</span>{" "}
          <span className="font-semibold text-slate-900">{c.stats.waiting.toLocaleString()}</span>
        </p>
        <p data-testid="ab-winner">
          <span className="text-slate-500">Winner:</span>{" "}
          {c.winner ? (
            <span className="font-semibold text-emerald-700">{c.winner}</span>
          ) : (
            <span className="text-slate-700">{launched ? "not chosen yet" : "chosen after launch"}</span>
          )}
        </p>
      </div>
      {!launched || rows.every((r) => r.targeted === 0) ? (
        <EmptyState title="No test messages yet">
          Per-variant results appear once the campaign sends.
        </EmptyState>
      ) : (
        <Table
          head={["Variant", "Targeted", "Sent", "Delivered", "Opened", "Clicked", ""]}
          testId="ab-variants-table"
        >
          {rows.map((v) => (
            <tr key={v.name} data-testid={`ab-variant-row-${v.name}`}>
              <Td className="font-medium">
                {v.name} {c.winner === v.name ? <Badge tone="green">winner</Badge> : null}
              </Td>
              <Td>{v.targeted.toLocaleString()}</Td>
              <Td>{v.sent.toLocaleString()}</Td>
              <Td>
                {v.delivered.toLocaleString()}{" "}
                <span className="text-slate-500">{rate(v.delivered, v.sent)}</span>
              </Td>
              <Td>
                {v.opened.toLocaleString()} <span className="text-slate-500">{rate(v.opened, v.sent)}</span>
              </Td>
              <Td>
                {v.clicked.toLocaleString()} <span className="text-slate-500">{rate(v.clicked, v.sent)}</span>
              </Td>
              <Td>
                {canPick ? (
                  <Button
                    size="sm"
                    variant="secondary"
                    disabled={pick.isPending}
                    onClick={() => pick.mutate(v.name)}
                    data-testid={`ab-pick-${v.name}`}
                  >
                    Pick winner
                  </Button>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
