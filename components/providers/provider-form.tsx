"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { PROVIDER_TYPES, type ProviderType } from "@/lib/providers/types";
import { ApiError, api } from "@/lib/queries/fetcher";
import { type ProviderItem, providerQueries } from "@/lib/queries/providers";
import { type FieldDef, SENDER_LABELS, SMTP_PRESETS, type SmtpPreset, TYPES } from "./fields";

function FieldInput({
  def,
  prefix,
  error,
  current,
  preset,
}: {
  def: FieldDef;
  prefix: string;
  error?: string;
  current?: unknown;
  /** A preset's value for this field, overriding the default on a new provider. */
  preset?: string;
}) {
  const name = `${prefix}.${def.key}`;
  const testId = `provider-${prefix}-${def.key}`;
  if (def.kind === "select") {
    return (
      <SelectField
        label={def.label}
        name={name}
        error={error}
        defaultValue={String(current ?? preset ?? def.options?.[0] ?? "")}
        options={(def.options ?? []).map((o) => ({ value: o, label: o }))}
        data-testid={testId}
      />
    );
  }
  const masked = prefix === "credentials" && typeof current === "string" ? current : undefined;
  return (
    <TextField
      label={def.label}
      name={name}
      type={def.kind === "secret" ? "password" : def.kind === "number" ? "number" : "text"}
      autoComplete="off"
      placeholder={masked ? `${masked} — leave empty to keep` : def.placeholder}
      defaultValue={
        prefix === "credentials"
          ? undefined
          : current === undefined || current === null
            ? (preset ?? def.defaultValue)
            : Array.isArray(current)
              ? current.join(", ")
              : String(current)
      }
      hint={def.hint}
      error={error}
      data-testid={testId}
    />
  );
}

/** A preset's value for one SMTP config field. */
function presetValue(preset: SmtpPreset | undefined, key: string): string | undefined {
  if (!preset) return undefined;
  if (key === "host" || key === "port" || key === "tls_mode") return preset[key];
  return undefined;
}

/** Builds the API body from the form: empty optional fields are left out; numbers stay strings for zod to coerce. */
function toBody(form: FormData, type: ProviderType, editing: boolean) {
  const body: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  const credentials: Record<string, unknown> = {};
  const sender: Record<string, unknown> = {};
  for (const [k, raw] of form.entries()) {
    const v = String(raw).trim();
    if (k.startsWith("_")) continue;
    const [group, field] = k.split(".");
    if (!field) {
      if (v !== "") body[k] = v;
      continue;
    }
    if (v === "") continue;
    if (group === "config") config[field] = v;
    else if (group === "credentials") credentials[field] = v;
    else if (group === "sender") sender[field] = v;
  }
  body.enabled = form.get("enabled") === "on";
  if (body.daily_limit === undefined) body.daily_limit = null;
  if (!editing) body.type = type;
  body.config = config;
  body.sender = sender;
  if (!editing || Object.keys(credentials).length) body.credentials = credentials;
  return body;
}

export function ProviderForm({ provider, onDone }: { provider?: ProviderItem; onDone: () => void }) {
  const editing = Boolean(provider);
  const [type, setType] = useState<ProviderType>(provider?.type ?? "smtp");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [presetId, setPresetId] = useState<string | null>(null);
  const preset = SMTP_PRESETS.find((p) => p.id === presetId);
  const qc = useQueryClient();
  const toast = useToast();
  const def = TYPES[type];
  const mutation = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      provider
        ? api<ProviderItem>(`/providers/${provider.id}`, { method: "PATCH", body })
        : api<ProviderItem>("/providers", { method: "POST", body }),
    onSuccess: (p) => {
      toast(editing ? `Saved ${p.name}` : `Added ${p.name}`);
      qc.invalidateQueries({ queryKey: providerQueries.all });
      onDone();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const body = toBody(new FormData(e.currentTarget), type, editing);
    // Everything the browser can tell is missing, named at once; the server adds what only it knows.
    const local: Record<string, string> = {};
    if (!body.name) local.name = "is required";
    const config = body.config as Record<string, unknown>;
    for (const f of def.config) if (f.required && !config[f.key]) local[`config.${f.key}`] = "is required";
    if (def.channel === "email" && type !== "sandbox" && !(body.sender as Record<string, unknown>).email)
      local["sender.email"] = "is required for an email provider";
    if (Object.keys(local).length) return setErrors(local);
    setErrors({});
    mutation.mutate(body);
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate data-testid="provider-form">
      {errors.form ? (
        <p className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {editing ? (
          <p className="text-sm text-slate-600">
            Type: <strong>{def.label}</strong> ({def.channel})
          </p>
        ) : (
          <SelectField
            label="Type"
            name="_type"
            value={type}
            onChange={(e) => setType(e.target.value as ProviderType)}
            options={PROVIDER_TYPES.map((t) => ({
              value: t,
              label: `${TYPES[t].label} (${TYPES[t].channel})`,
            }))}
            error={errors.type}
            data-testid="provider-type"
          />
        )}
        <TextField
          label="Name"
          name="name"
          defaultValue={provider?.name}
          error={errors.name}
          data-testid="provider-name"
        />
      </div>
      <p className="text-xs text-slate-500">{def.blurb}</p>

      <fieldset className="grid gap-4 sm:grid-cols-2" key={`sender-${type}`}>
        <legend className="mb-2 text-sm font-semibold text-slate-800">Sender</legend>
        {def.sender.map((k) => (
          <TextField
            key={k}
            label={SENDER_LABELS[k]}
            name={`sender.${k}`}
            defaultValue={provider?.sender[k]}
            error={errors[`sender.${k}`]}
            data-testid={`provider-sender-${k}`}
          />
        ))}
      </fieldset>

      {type === "smtp" && !editing ? (
        <div data-testid="smtp-presets">
          <p className="text-sm font-medium text-slate-700">Fill in for a well-known service</p>
          <div className="mt-1 flex flex-wrap gap-2">
            {SMTP_PRESETS.map((p) => (
              <Button
                key={p.id}
                variant={presetId === p.id ? "primary" : "secondary"}
                size="sm"
                onClick={() => {
                  setPresetId(p.id);
                  // The preset fills the connection fields: their old errors no longer apply.
                  setErrors((e) =>
                    Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith("config."))),
                  );
                }}
                data-testid={`smtp-preset-${p.id}`}
              >
                {p.label}
              </Button>
            ))}
          </div>
          {preset ? (
            <p
              className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
              data-testid="smtp-preset-hint"
            >
              {preset.hint}
            </p>
          ) : null}
        </div>
      ) : null}

      {def.config.length || def.credentials.length ? (
        <fieldset className="grid gap-4 sm:grid-cols-2" key={`conn-${type}-${presetId ?? ""}`}>
          <legend className="mb-2 text-sm font-semibold text-slate-800">Connection</legend>
          {def.config.map((f) => (
            <FieldInput
              key={f.key}
              def={f}
              prefix="config"
              error={errors[`config.${f.key}`]}
              current={provider?.config[f.key]}
              preset={presetValue(preset, f.key)}
            />
          ))}
          {def.credentials.map((f) => (
            <FieldInput
              key={f.key}
              def={f}
              prefix="credentials"
              error={errors[`credentials.${f.key}`]}
              current={provider?.credentials[f.key]}
            />
          ))}
        </fieldset>
      ) : null}

      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-slate-800">Routing and cost</legend>
        <TextField
          label="Priority (1 = first)"
          name="priority"
          type="number"
          defaultValue={provider?.priority ?? 10}
          error={errors.priority}
          data-testid="provider-priority"
        />
        <TextField
          label="Daily limit"
          name="daily_limit"
          type="number"
          placeholder="No limit"
          defaultValue={provider?.daily_limit ?? undefined}
          error={errors.daily_limit}
        />
        <TextField
          label={def.channel === "sms" ? "Cost per segment" : "Cost per email"}
          name="cost_per_unit"
          type="number"
          step="0.0001"
          defaultValue={provider?.cost_per_unit ?? 0}
          error={errors.cost_per_unit}
        />
        <TextField
          label="Currency"
          name="currency"
          defaultValue={provider?.currency ?? "USD"}
          error={errors.currency}
        />
        <TextField
          label="Failures before the circuit opens"
          name="failure_threshold"
          type="number"
          defaultValue={provider?.failure_threshold ?? 5}
          error={errors.failure_threshold}
        />
        <TextField
          label="Seconds before a retry (half-open)"
          name="reset_timeout_s"
          type="number"
          defaultValue={provider?.reset_timeout_s ?? 60}
          error={errors.reset_timeout_s}
        />
      </fieldset>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="enabled"
          defaultChecked={provider?.enabled ?? true}
          className="rounded border-slate-300"
        />
        Enabled
      </label>
      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={mutation.isPending} data-testid="provider-save">
          {mutation.isPending ? "Saving…" : editing ? "Save" : "Add provider"}
        </Button>
      </div>
    </form>
  );
}
