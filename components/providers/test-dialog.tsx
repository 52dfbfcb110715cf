"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { ApiError, api } from "@/lib/queries/fetcher";
import { type ProviderItem, type ProviderTestResult, providerQueries } from "@/lib/queries/providers";

/** Sends a real message through one provider and shows exactly what it answered. */
export function TestDialog({ provider, onClose }: { provider: ProviderItem | null; onClose: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const qc = useQueryClient();
  const mutation = useMutation({
    mutationFn: (body: { to: string }) =>
      api<ProviderTestResult>(`/providers/${provider?.id}/test`, { method: "POST", body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: providerQueries.all }),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function close() {
    mutation.reset();
    setErrors({});
    onClose();
  }
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const to = String(new FormData(e.currentTarget).get("to") ?? "").trim();
    if (!to) return setErrors({ to: "is required" });
    setErrors({});
    mutation.mutate({ to });
  }
  const result = mutation.data;
  return (
    <Dialog
      open={provider !== null}
      onClose={close}
      title={`Test ${provider?.name ?? ""}`}
      testId="test-dialog"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <p className="text-sm text-slate-600">
          Sends a real {provider?.channel === "sms" ? "SMS" : "email"} through this provider only (no
          failover) and shows its answer.
        </p>
        {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
        <TextField
          label={provider?.channel === "sms" ? "Send to phone number" : "Send to email address"}
          name="to"
          error={errors.to}
          data-testid="test-to"
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Close
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="test-send">
            {mutation.isPending ? "Sending…" : "Send test"}
          </Button>
        </div>
      </form>
      {result ? (
        <div
          className="mt-4 space-y-2 rounded-md bg-slate-50 p-3 text-sm"
          data-testid="test-result"
          data-success={result.success}
        >
          <p>
            {result.success ? <Badge tone="green">Success</Badge> : <Badge tone="red">Failed</Badge>}{" "}
            <span className="text-slate-500">in {result.duration_ms} ms</span>
          </p>
          {result.provider_message_id ? (
            <p className="break-all text-xs">
              Provider message id: <code>{result.provider_message_id}</code>
            </p>
          ) : null}
          {result.error ? <p className="break-words text-rose-700">{result.error}</p> : null}
          <pre className="max-h-40 overflow-auto rounded bg-white p-2 text-xs ring-1 ring-slate-200">
            {JSON.stringify(result.response, null, 2)}
          </pre>
        </div>
      ) : null}
    </Dialog>
  );
}
