"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import {
  type DeliveryItem,
  type EndpointItem,
  webhookEndpointQueries,
} from "@/lib/queries/outgoing-webhooks";
import { endpointCreate, OUTGOING_EVENT_TYPES } from "@/lib/validation/outgoing-webhooks";
import { DeliveriesLog } from "./deliveries-log";
import { ReceiverExample } from "./receiver-example";
import { SecretOnce } from "./secret-once";

/** Settings → Webhooks: the organisation's endpoints, their delivery logs, and a receiver example. */
export function WebhooksPanel() {
  const query = useQuery(webhookEndpointQueries.list());
  const [creating, setCreating] = useState(false);

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-500">
          Switchboard tells your own systems what happened — delivered, bounced, replied, opted out — with
          signed HTTP POSTs.
        </p>
        <Button onClick={() => setCreating(true)} data-testid="create-webhook-endpoint">
          Add endpoint
        </Button>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState
          title="No webhook endpoints yet"
          action={<Button onClick={() => setCreating(true)}>Add your first endpoint</Button>}
        >
          Add the URL of a system that should hear about message events, opt-outs and finished campaigns.
        </EmptyState>
      ) : (
        <ul className="space-y-3" data-testid="webhook-endpoints">
          {query.data.data.map((e) => (
            <EndpointCard key={e.id} endpoint={e} />
          ))}
        </ul>
      )}
      <ReceiverExample />
      <CreateEndpointDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}

function EndpointCard({ endpoint: e }: { endpoint: EndpointItem }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: webhookEndpointQueries.all });
  const onError = (err: Error) => toast(err.message, "error");

  const test = useMutation({
    mutationFn: () => api<DeliveryItem>(`/webhook-endpoints/${e.id}/test`, { method: "POST" }),
    onSuccess: (d) => {
      toast(
        d.status === "succeeded"
          ? `Test event delivered (HTTP ${d.last_status_code})`
          : `Test event failed: ${d.last_error ?? "no answer"}`,
        d.status === "succeeded" ? undefined : "error",
      );
      setOpen(true);
      refresh();
    },
    onError,
  });
  const rotate = useMutation({
    mutationFn: () =>
      api<EndpointItem & { secret: string }>(`/webhook-endpoints/${e.id}/rotate-secret`, { method: "POST" }),
    onSuccess: (r) => setSecret(r.secret),
    onError,
  });
  const toggle = useMutation({
    mutationFn: () => api(`/webhook-endpoints/${e.id}`, { method: "PATCH", body: { enabled: !e.enabled } }),
    onSuccess: refresh,
    onError,
  });
  const remove = useMutation({
    mutationFn: () => api(`/webhook-endpoints/${e.id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast("Endpoint deleted");
      setDeleting(false);
      refresh();
    },
    onError,
  });

  return (
    <li className="rounded-md border border-slate-200 bg-white p-4" data-testid={`webhook-endpoint-${e.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="break-all font-mono text-sm text-slate-900">{e.url}</p>
          {e.description ? <p className="text-sm text-slate-500">{e.description}</p> : null}
        </div>
        <Badge tone={e.enabled ? "green" : "red"}>{e.enabled ? "enabled" : "disabled"}</Badge>
      </div>
      {e.disabled_reason ? (
        <p className="mt-2 text-sm text-rose-700" data-testid="disabled-reason">
          {e.disabled_reason}
        </p>
      ) : null}
      <div className="mt-2 flex flex-wrap gap-1">
        {e.event_types.length === 0 ? (
          <Badge>all events</Badge>
        ) : (
          e.event_types.map((t) => (
            <Badge key={t} tone="indigo">
              {t}
            </Badge>
          ))
        )}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" variant="secondary" onClick={() => setOpen(!open)} data-testid="toggle-deliveries">
          {open ? "Hide deliveries" : "Deliveries"}
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={!e.enabled || test.isPending}
          onClick={() => test.mutate()}
          data-testid="send-test-event"
        >
          {test.isPending ? "Sending…" : "Send test event"}
        </Button>
        <Button size="sm" variant="secondary" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          Rotate secret
        </Button>
        <Button size="sm" variant="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {e.enabled ? "Disable" : "Enable"}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </div>
      {open ? (
        <div className="mt-4">
          <DeliveriesLog endpointId={e.id} enabled={e.enabled} />
        </div>
      ) : null}
      <Dialog open={secret !== null} onClose={() => setSecret(null)} title="Your new signing secret">
        <p className="mb-3 text-sm text-slate-600">
          The old secret keeps signing beside this one for 24 hours, so you can switch the receiver over.
        </p>
        {secret ? <SecretOnce secret={secret} onDone={() => setSecret(null)} /> : null}
      </Dialog>
      <Dialog open={deleting} onClose={() => setDeleting(false)} title="Delete endpoint?">
        <p className="text-sm text-slate-600">
          No more events go to <strong className="break-all">{e.url}</strong>, and its delivery log is
          deleted.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(false)}>
            Cancel
          </Button>
          <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
            {remove.isPending ? "Deleting…" : "Delete"}
          </Button>
        </div>
      </Dialog>
    </li>
  );
}

function CreateEndpointDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (body: unknown) =>
      api<EndpointItem & { secret: string }>("/webhook-endpoints", { method: "POST", body }),
    onSuccess: (res) => {
      setSecret(res.secret);
      qc.invalidateQueries({ queryKey: webhookEndpointQueries.all });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = endpointCreate.safeParse({
      url: form.get("url"),
      description: form.get("description") || null,
      event_types: form.getAll("event_types"),
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }

  function close() {
    setSecret(null);
    setErrors({});
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title={secret ? "Copy the signing secret" : "Add webhook endpoint"}
      testId="webhook-endpoint-dialog"
    >
      {secret ? (
        <SecretOnce secret={secret} onDone={close} />
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
          <TextField
            label="URL"
            name="url"
            placeholder="https://example.com/switchboard-events"
            hint="https, or http to a host on your private network"
            error={errors.url}
            data-testid="webhook-url"
          />
          <TextField
            label="Description"
            name="description"
            placeholder="e.g. CRM sync"
            error={errors.description}
          />
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Events</legend>
            <p className="text-xs text-slate-500">Tick none to receive every event.</p>
            <div className="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
              {OUTGOING_EVENT_TYPES.map((t) => (
                <label key={t} className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" name="event_types" value={t} data-testid={`event-type-${t}`} />
                  {t}
                </label>
              ))}
            </div>
            {errors.event_types ? <p className="mt-1 text-sm text-rose-600">{errors.event_types}</p> : null}
          </fieldset>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={mutation.isPending} data-testid="webhook-endpoint-submit">
              {mutation.isPending ? "Adding…" : "Add endpoint"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
