"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { type ApiKeyItem, apiKeyQueries, auditQueries } from "@/lib/queries/settings";
import { apiKeyCreate } from "@/lib/validation/api-keys";

const ROLE_OPTIONS = [
  { value: "staff", label: "Staff — send, templates, contacts" },
  { value: "manager", label: "Manager — plus reports and audit" },
  { value: "admin", label: "Admin — everything" },
];

export function ApiKeysPanel() {
  const query = useQuery(apiKeyQueries.list());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyItem | null>(null);

  return (
    <section>
      <div className="mb-4 flex items-center justify-between">
        <p className="text-sm text-slate-500">
          Keys authenticate other systems:{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;key&gt;</code>.
        </p>
        <Button onClick={() => setCreating(true)} data-testid="create-api-key">
          Create API key
        </Button>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState
          title="No API keys yet"
          action={<Button onClick={() => setCreating(true)}>Create your first key</Button>}
        >
          Create a key for each system that sends through Switchboard, with the least role it needs.
        </EmptyState>
      ) : (
        <Table head={["Name", "Key", "Role", "Last used", "Created", ""]} testId="api-keys-table">
          {query.data.data.map((k) => (
            <tr key={k.id} data-testid={`api-key-row-${k.name}`}>
              <Td className="font-medium text-slate-900">{k.name}</Td>
              <Td>
                <code className="text-xs">{k.prefix}…</code>
              </Td>
              <Td>
                <Badge tone="indigo">{k.role}</Badge>
              </Td>
              <Td>{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : "Never"}</Td>
              <Td>{new Date(k.created_at).toLocaleDateString()}</Td>
              <Td className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => setRevoking(k)}
                  data-testid={`revoke-${k.name}`}
                >
                  Revoke
                </Button>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </section>
  );
}

function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<ApiKeyItem & { key: string }>("/api-keys", { method: "POST", body }),
    onSuccess: (res) => {
      setCreated({ key: res.key, name: res.name });
      qc.invalidateQueries({ queryKey: apiKeyQueries.all });
      qc.invalidateQueries({ queryKey: auditQueries.all });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget));
    const parsed = apiKeyCreate.safeParse(data);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }

  function close() {
    setCreated(null);
    setErrors({});
    setCopied(false);
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title={created ? "Copy your new key" : "Create API key"}
      testId="api-key-dialog"
    >
      {created ? (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">
            This is the only time the key for <strong>{created.name}</strong> is shown. Store it somewhere
            safe.
          </p>
          <code className="block break-all rounded-md bg-slate-100 p-3 text-xs" data-testid="new-api-key">
            {created.key}
          </code>
          <div className="flex justify-end gap-2">
            <Button
              variant="secondary"
              onClick={() => navigator.clipboard?.writeText(created.key).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button onClick={close} data-testid="api-key-done">
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
          <TextField
            label="Name"
            name="name"
            placeholder="e.g. Order service"
            error={errors.name}
            data-testid="api-key-name"
          />
          <SelectField
            label="Role"
            name="role"
            options={ROLE_OPTIONS}
            defaultValue="staff"
            error={errors.role}
            data-testid="api-key-role"
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={mutation.isPending} data-testid="api-key-submit">
              {mutation.isPending ? "Creating…" : "Create"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKeyItem | null; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (id: string) => api(`/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast(`Revoked ${apiKey?.name}`);
      qc.invalidateQueries({ queryKey: apiKeyQueries.all });
      qc.invalidateQueries({ queryKey: auditQueries.all });
      onClose();
    },
    onError: (e) => toast(e.message, "error"),
  });
  return (
    <Dialog open={apiKey !== null} onClose={onClose} title="Revoke API key?" testId="revoke-dialog">
      <p className="text-sm text-slate-600">
        Requests with <strong>{apiKey?.name}</strong> ({apiKey?.prefix}…) will be refused at once. This cannot
        be undone.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() => apiKey && mutation.mutate(apiKey.id)}
          data-testid="confirm-revoke"
        >
          {mutation.isPending ? "Revoking…" : "Revoke"}
        </Button>
      </div>
    </Dialog>
  );
}
