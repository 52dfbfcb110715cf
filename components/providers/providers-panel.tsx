"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { type ProviderItem, providerQueries } from "@/lib/queries/providers";
import { TYPES } from "./fields";
import { ProviderForm } from "./provider-form";
import { TestDialog } from "./test-dialog";

const circuitTone = { closed: "green", half_open: "amber", open: "red" } as const;

function Usage({ p }: { p: ProviderItem }) {
  if (p.daily_limit === null) return <span className="tabular-nums">{p.sent_today} today</span>;
  const pct = Math.min(100, Math.round((p.sent_today / p.daily_limit) * 100));
  return (
    <div className="w-32">
      <span className="tabular-nums text-xs">
        {p.sent_today} / {p.daily_limit}
      </span>
      <div className="mt-1 h-1.5 rounded bg-slate-200">
        <div
          className={`h-1.5 rounded ${pct >= 100 ? "bg-rose-500" : "bg-indigo-500"}`}
          style={{ width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

function ChannelTable({
  title,
  rows,
  canWrite,
  onEdit,
  onTest,
  onDelete,
  onMove,
}: {
  title: string;
  rows: ProviderItem[];
  canWrite: boolean;
  onEdit: (p: ProviderItem) => void;
  onTest: (p: ProviderItem) => void;
  onDelete: (p: ProviderItem) => void;
  onMove: (rows: ProviderItem[], index: number, delta: number) => void;
}) {
  return (
    <section className="mb-8">
      <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>
      {rows.length === 0 ? (
        <EmptyState title={`No ${title.toLowerCase()} providers`}>
          Add one to send {title.toLowerCase()}.
        </EmptyState>
      ) : (
        <Table
          head={["Priority", "Provider", "Circuit", "Sent today", "Cost", ""]}
          testId={`providers-${title.toLowerCase()}`}
        >
          {rows.map((p, i) => (
            <tr key={p.id} data-testid={`provider-row-${p.name}`} className={p.enabled ? "" : "opacity-60"}>
              <Td>
                <div className="flex items-center gap-1">
                  <span className="w-8 tabular-nums font-medium">{p.priority}</span>
                  {canWrite ? (
                    <>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Move ${p.name} up`}
                        disabled={i === 0}
                        onClick={() => onMove(rows, i, -1)}
                      >
                        ↑
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Move ${p.name} down`}
                        disabled={i === rows.length - 1}
                        onClick={() => onMove(rows, i, 1)}
                      >
                        ↓
                      </Button>
                    </>
                  ) : null}
                </div>
              </Td>
              <Td>
                <p className="font-medium text-slate-900">{p.name}</p>
                <p className="text-xs text-slate-500">
                  {TYPES[p.type].label}
                  {p.enabled ? "" : " · disabled"}
                  {p.is_default ? " · default" : ""}
                </p>
              </Td>
              <Td>
                <span data-testid={`circuit-${p.name}`} data-state={p.circuit.state}>
                  <Badge tone={circuitTone[p.circuit.state]}>{p.circuit.state.replace("_", "-")}</Badge>
                </span>
                {p.circuit.failure_count ? (
                  <span className="ml-2 text-xs text-rose-600">{p.circuit.failure_count} failures</span>
                ) : null}
                {p.circuit.last_error && p.circuit.state !== "closed" ? (
                  <p className="mt-1 max-w-xs truncate text-xs text-slate-500" title={p.circuit.last_error}>
                    {p.circuit.last_error}
                  </p>
                ) : null}
              </Td>
              <Td>
                <Usage p={p} />
              </Td>
              <Td className="tabular-nums text-xs">
                {p.cost_per_unit} {p.currency}
                {p.channel === "sms" ? " / segment" : ""}
              </Td>
              <Td className="text-right">
                {canWrite ? (
                  <div className="flex justify-end gap-1">
                    <Button
                      variant="secondary"
                      size="sm"
                      onClick={() => onTest(p)}
                      data-testid={`test-${p.name}`}
                    >
                      Test
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => onEdit(p)}
                      data-testid={`edit-${p.name}`}
                    >
                      Edit
                    </Button>
                    <Button variant="ghost" size="sm" onClick={() => onDelete(p)}>
                      Delete
                    </Button>
                  </div>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

export function ProvidersPanel({ canWrite }: { canWrite: boolean }) {
  const query = useQuery(providerQueries.list());
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<ProviderItem | "new" | null>(null);
  const [testing, setTesting] = useState<ProviderItem | null>(null);
  const [deleting, setDeleting] = useState<ProviderItem | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: providerQueries.all });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api("/providers/reorder", { method: "POST", body: { ids } }),
    onSuccess: invalidate,
    onError: (e) => toast(e.message, "error"),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/providers/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast(`Deleted ${deleting?.name}`);
      setDeleting(null);
      invalidate();
    },
    onError: (e) => toast(e.message, "error"),
  });
  function move(rows: ProviderItem[], index: number, delta: number) {
    const ids = rows.map((r) => r.id);
    const [item] = ids.splice(index, 1);
    if (item) ids.splice(index + delta, 0, item);
    reorder.mutate(ids);
  }

  const all = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <p className="text-sm text-slate-500">
          Messages go to the first provider of their channel that is enabled, has a closed circuit and is
          under its daily limit; a failure that may succeed elsewhere moves on to the next.
        </p>
        {canWrite ? (
          <Button onClick={() => setEditing("new")} data-testid="add-provider">
            Add provider
          </Button>
        ) : null}
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        (["email", "sms"] as const).map((channel) => (
          <ChannelTable
            key={channel}
            title={channel === "email" ? "Email" : "SMS"}
            rows={all.filter((p) => p.channel === channel)}
            canWrite={canWrite}
            onEdit={setEditing}
            onTest={setTesting}
            onDelete={setDeleting}
            onMove={move}
          />
        ))
      )}
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "Add provider" : `Edit ${editing?.name ?? ""}`}
        testId="provider-dialog"
        wide
      >
        <ProviderForm
          provider={editing === "new" || editing === null ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      </Dialog>
      <TestDialog provider={testing} onClose={() => setTesting(null)} />
      <Dialog open={deleting !== null} onClose={() => setDeleting(null)} title="Delete provider?">
        <p className="text-sm text-slate-600">
          <strong>{deleting?.name}</strong> will no longer send. Messages already sent keep their record of
          it.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(null)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => deleting && remove.mutate(deleting.id)}
            disabled={remove.isPending}
          >
            Delete
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
