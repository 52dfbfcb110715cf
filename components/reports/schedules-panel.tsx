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
import { reportQueries } from "@/lib/queries/reports";
import type { RunJson, ScheduleJson } from "@/lib/validation/reports";
import { bytesLabel, FORMAT_LABELS, TYPE_LABELS, when } from "./labels";
import { ScheduleForm } from "./schedule-form";

function RunBadge({ run }: { run: Pick<RunJson, "status" | "error"> | null }) {
  if (!run) return <span className="text-slate-400">Not run yet</span>;
  if (run.status === "succeeded") return <Badge tone="green">Sent</Badge>;
  if (run.status === "running") return <Badge tone="slate">Running</Badge>;
  return (
    <span className="space-y-1">
      <Badge tone="red">Failed</Badge>
      {run.error ? <span className="block max-w-xs text-xs text-rose-700">{run.error}</span> : null}
    </span>
  );
}

function History({ id }: { id: string }) {
  const q = useQuery(reportQueries.runs(id));
  if (q.isPending) return <LoadingRows rows={2} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data.data.length)
    return <p className="text-sm text-slate-500">No runs yet. “Send now” runs it at once.</p>;
  return (
    <Table head={["Started", "Trigger", "Result", "Delivery"]} testId={`runs-${id}`}>
      {q.data.data.map((r) => (
        <tr key={r.id}>
          <Td>{when(r.started_at)}</Td>
          <Td>{r.trigger === "manual" ? "Send now" : "Schedule"}</Td>
          <Td>
            <RunBadge run={r} />
          </Td>
          <Td>
            {r.delivery ? `${r.delivery === "link" ? "Link" : "Attached"} · ${bytesLabel(r.size ?? 0)}` : "—"}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

/** Scheduled reports with their last run, history, send now, edit and delete. */
export function SchedulesPanel() {
  const q = useQuery(reportQueries.schedules());
  const client = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<ScheduleJson | "new" | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: reportQueries.all });
  const sendNow = useMutation({
    mutationFn: (id: string) => api<RunJson>(`/reports/schedules/${id}/run`, { method: "POST" }),
    onSuccess: (run) => {
      toast(run.status === "succeeded" ? "Report sent" : `Report failed: ${run.error ?? "unknown error"}`);
      void refresh();
    },
    onError: (e) => toast(e instanceof Error ? e.message : "Could not send the report"),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/reports/schedules/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast("Schedule deleted");
      void refresh();
    },
    onError: (e) => toast(e instanceof Error ? e.message : "Could not delete the schedule"),
  });

  return (
    <section className="space-y-4" data-testid="schedules">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Scheduled reports</h2>
          <p className="text-sm text-slate-500">Generated and emailed for you, daily, weekly or monthly.</p>
        </div>
        <Button onClick={() => setEditing("new")} data-testid="schedule-new">
          New schedule
        </Button>
      </div>
      {q.isPending ? <LoadingRows /> : null}
      {q.isError ? <ErrorState error={q.error} onRetry={() => q.refetch()} /> : null}
      {q.isSuccess && q.data.data.length === 0 ? (
        <EmptyState
          title="No scheduled reports yet"
          action={<Button onClick={() => setEditing("new")}>Schedule a report</Button>}
        >
          Send the executive summary to your team every Monday, or the cost report on the 1st of each month.
        </EmptyState>
      ) : null}
      {q.isSuccess && q.data.data.length > 0 ? (
        <Table head={["Report", "Every", "Recipients", "Next run", "Last run", ""]} testId="schedules-table">
          {q.data.data.map((s) => (
            <ScheduleRow
              key={s.id}
              s={s}
              open={open === s.id}
              onToggle={() => setOpen(open === s.id ? null : s.id)}
              onEdit={() => setEditing(s)}
              onSend={() => sendNow.mutate(s.id)}
              sending={sendNow.isPending && sendNow.variables === s.id}
              onDelete={() => {
                if (window.confirm("Delete this schedule and its history?")) remove.mutate(s.id);
              }}
            />
          ))}
        </Table>
      ) : null}
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "New scheduled report" : "Edit scheduled report"}
        testId="schedule-dialog"
      >
        {editing !== null ? (
          <ScheduleForm
            key={editing === "new" ? "new" : editing.id}
            initial={editing === "new" ? undefined : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

function ScheduleRow({
  s,
  open,
  onToggle,
  onEdit,
  onSend,
  sending,
  onDelete,
}: {
  s: ScheduleJson;
  open: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onSend: () => void;
  sending: boolean;
  onDelete: () => void;
}) {
  return (
    <>
      <tr data-testid={`schedule-${s.id}`}>
        <Td>
          <span className="font-medium text-slate-900">{TYPE_LABELS[s.report_type]}</span>
          <span className="block text-xs text-slate-500">
            {FORMAT_LABELS[s.format]} · last {s.params.days} days{s.enabled ? "" : " · paused"}
          </span>
        </Td>
        <Td>{s.frequency}</Td>
        <Td>
          <span className="block max-w-[14rem] truncate" title={s.recipients.join(", ")}>
            {s.recipients.join(", ")}
          </span>
        </Td>
        <Td>{s.enabled ? when(s.next_run_at) : "Paused"}</Td>
        <Td>
          <RunBadge run={s.last_run} />
        </Td>
        <Td className="whitespace-nowrap">
          <div className="flex gap-1">
            <Button size="sm" onClick={onSend} disabled={sending} data-testid={`send-now-${s.id}`}>
              {sending ? "Sending…" : "Send now"}
            </Button>
            <Button size="sm" variant="secondary" onClick={onToggle}>
              {open ? "Hide history" : "History"}
            </Button>
            <Button size="sm" variant="ghost" onClick={onEdit}>
              Edit
            </Button>
            <Button size="sm" variant="ghost" onClick={onDelete}>
              Delete
            </Button>
          </div>
        </Td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6} className="bg-slate-50 px-4 py-3">
            <History id={s.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
