"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { type DeliveryItem, webhookEndpointQueries } from "@/lib/queries/outgoing-webhooks";

const TONE = { succeeded: "green", failed: "red", pending: "amber" } as const;

/** An endpoint's recent deliveries, with replay. */
export function DeliveriesLog({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const query = useQuery(webhookEndpointQueries.deliveries(endpointId));
  const qc = useQueryClient();
  const toast = useToast();
  const replay = useMutation({
    mutationFn: (id: string) => api<DeliveryItem>(`/webhook-deliveries/${id}/replay`, { method: "POST" }),
    onSuccess: (d) => {
      toast(d.status === "succeeded" ? "Delivered again" : `Replay failed: ${d.last_error ?? "no answer"}`);
      qc.invalidateQueries({ queryKey: webhookEndpointQueries.all });
    },
    onError: (e) => toast(e.message, "error"),
  });

  if (query.isPending) return <LoadingRows />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (query.data.data.length === 0)
    return (
      <EmptyState title="No deliveries yet">
        Events appear here as they happen. Use “Send test event” to try the endpoint now.
      </EmptyState>
    );
  return (
    <Table
      head={["Event", "Status", "Code", "Attempts", "Last attempt", "Answer", ""]}
      testId="deliveries-table"
    >
      {query.data.data.map((d) => (
        <tr
          key={d.id}
          data-testid={`delivery-row-${d.id}`}
          data-type={d.type}
          data-status={d.status}
          data-attempts={d.attempts}
          data-event-id={d.event_id}
        >
          <Td className="font-medium text-slate-900">{d.type}</Td>
          <Td>
            <Badge tone={TONE[d.status]}>{d.status}</Badge>
            {d.status === "pending" && d.next_attempt_at ? (
              <span className="block text-xs text-slate-500">
                next {new Date(d.next_attempt_at).toLocaleTimeString()}
              </span>
            ) : null}
          </Td>
          <Td>{d.last_status_code ?? "—"}</Td>
          <Td>{d.attempts}</Td>
          <Td>{d.last_attempt_at ? new Date(d.last_attempt_at).toLocaleString() : "—"}</Td>
          <Td className="max-w-48">
            <span
              className="block truncate text-xs text-slate-600"
              title={d.last_response ?? d.last_error ?? ""}
            >
              {d.last_response ?? d.last_error ?? "—"}
            </span>
          </Td>
          <Td className="text-right">
            <Button
              variant="ghost"
              size="sm"
              disabled={!enabled || replay.isPending}
              onClick={() => replay.mutate(d.id)}
              data-testid={`replay-${d.id}`}
            >
              Replay
            </Button>
          </Td>
        </tr>
      ))}
    </Table>
  );
}
