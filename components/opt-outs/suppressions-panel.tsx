"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { consentQueries, type SuppressionItem } from "@/lib/queries/consent";
import { api } from "@/lib/queries/fetcher";

export function SuppressionsPanel() {
  const query = useInfiniteQuery(consentQueries.suppressions());
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (s: SuppressionItem) => api(`/suppressions/${s.id}`, { method: "DELETE" }),
    onSuccess: (_r, s) => {
      toast(`${s.address} can be emailed again`);
      qc.invalidateQueries({ queryKey: consentQueries.all });
    },
    onError: (e) => toast(e.message, "error"),
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  if (query.isPending) return <LoadingRows />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (rows.length === 0) {
    return (
      <EmptyState title="No suppressed addresses">
        Hard bounces and spam complaints reported by SendGrid, SES or Mailgun put the address here; nothing is
        sent to it until it is removed.
      </EmptyState>
    );
  }
  return (
    <Table head={["Address", "Reason", "Detail", "Since", ""]} testId="suppressions-table">
      {rows.map((s) => (
        <tr key={s.id} data-testid="suppression-row">
          <Td className="font-medium text-slate-900">{s.address}</Td>
          <Td>
            <Badge tone={s.reason === "complaint" ? "red" : s.reason === "hard_bounce" ? "amber" : "slate"}>
              {s.reason.replace("_", " ")}
            </Badge>
          </Td>
          <Td className="max-w-sm truncate text-xs">{s.detail ?? "—"}</Td>
          <Td className="text-xs">{new Date(s.created_at).toLocaleString()}</Td>
          <Td className="text-right">
            <Button variant="ghost" size="sm" onClick={() => remove.mutate(s)} disabled={remove.isPending}>
              Remove
            </Button>
          </Td>
        </tr>
      ))}
    </Table>
  );
}
