"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import {
  type Channel,
  type MessageItem,
  messageQueries,
  outboxQueries,
  type TemplateItem,
} from "@/lib/queries/messages";
import { emailSend, smsSend } from "@/lib/validation/messages";
import { SegmentCounter, TemplatePicker, TextAreaField, VariableInputs } from "./compose-fields";
import {
  bodyError,
  buildPayload,
  CATEGORY_OPTIONS,
  type ComposeState,
  EMPTY_COMPOSE,
  otherErrors,
} from "./compose-payload";

const CHANNEL_OPTIONS = [
  { value: "email", label: "Email" },
  { value: "sms", label: "SMS" },
];

export function ComposeDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="New message" testId="compose-dialog">
      {/* Mounted only while open (Dialog renders children then), so every opening starts blank. */}
      <ComposeForm onDone={onClose} />
    </Dialog>
  );
}

function ComposeForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState<ComposeState>(EMPTY_COMPOSE);
  const [template, setTemplate] = useState<TemplateItem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof ComposeState>(key: K, value: ComposeState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const mutation = useMutation({
    mutationFn: ({ channel, body }: { channel: Channel; body: unknown }) =>
      api<MessageItem>(channel === "email" ? "/email/send" : "/sms/send", { method: "POST", body }),
    onSuccess: (m) => {
      const what = m.channel === "email" ? "Email" : "SMS";
      toast(
        m.status === "scheduled" && m.scheduled_at
          ? `${what} to ${m.to} scheduled for ${new Date(m.scheduled_at).toLocaleString()}`
          : `${what} to ${m.to} ${m.status === "rejected" ? "rejected" : "queued"}`,
        m.status === "rejected" ? "error" : "success",
      );
      qc.invalidateQueries({ queryKey: messageQueries.all });
      qc.invalidateQueries({ queryKey: outboxQueries.all });
      onDone();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function changeChannel(channel: Channel) {
    // Templates and errors belong to one channel; the recipient format changes too.
    setForm((f) => ({ ...f, channel, templateId: "", variables: {} }));
    setTemplate(null);
    setErrors({});
  }

  function pickTemplate(t: TemplateItem | null) {
    setTemplate(t);
    setForm((f) => ({
      ...f,
      templateId: t?.id ?? "",
      variables: {},
      category: t && CATEGORY_OPTIONS.some((c) => c.value === t.category) ? t.category : f.category,
    }));
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const payload = buildPayload(form);
    const parsed = (form.channel === "email" ? emailSend : smsSend).safeParse(payload);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate({ channel: form.channel, body: parsed.data });
  }

  const email = form.channel === "email";
  const unshown = otherErrors(errors, template?.variables ?? []);

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="compose-form">
      {errors.form || unshown.length > 0 ? (
        <div className="text-sm text-rose-600" role="alert" data-testid="compose-error">
          {errors.form ? <p>{errors.form}</p> : null}
          {unshown.map(([field, message]) => (
            <p key={field}>
              {field} {message}
            </p>
          ))}
        </div>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label="Channel"
          name="channel"
          options={CHANNEL_OPTIONS}
          value={form.channel}
          onChange={(e) => changeChannel(e.target.value === "sms" ? "sms" : "email")}
          data-testid="compose-channel"
        />
        <SelectField
          label="Category"
          name="category"
          options={CATEGORY_OPTIONS}
          value={form.category}
          error={errors.category}
          onChange={(e) => set("category", e.target.value)}
          data-testid="compose-category"
        />
      </div>
      <TextField
        label="To"
        name="to"
        type={email ? "email" : "tel"}
        placeholder={email ? "someone@example.com" : "+14155550123"}
        value={form.to}
        error={errors.to}
        onChange={(e) => set("to", e.target.value)}
        autoComplete="off"
        data-testid="compose-to"
      />
      <TemplatePicker
        key={form.channel}
        channel={form.channel}
        value={form.templateId}
        error={errors.template_id}
        onChange={pickTemplate}
      />
      {template ? (
        <>
          <p className="text-xs text-slate-500">
            {email ? "Subject and body come" : "The message comes"} from <strong>{template.name}</strong> (v
            {template.version}).
          </p>
          <VariableInputs
            names={template.variables}
            values={form.variables}
            errors={errors}
            onChange={(name, value) => set("variables", { ...form.variables, [name]: value })}
          />
        </>
      ) : (
        <>
          {email ? (
            <TextField
              label="Subject"
              name="subject"
              value={form.subject}
              error={errors.subject}
              onChange={(e) => set("subject", e.target.value)}
              data-testid="compose-subject"
            />
          ) : null}
          <TextAreaField
            label={email ? "Body" : "Message"}
            name="body"
            value={form.body}
            error={bodyError(errors)}
            hint={
              email ? (
                "Sent as plain text and as a simple HTML paragraph."
              ) : (
                <SegmentCounter text={form.body} />
              )
            }
            onChange={(e) => set("body", e.target.value)}
            data-testid="compose-body"
          />
        </>
      )}
      <TextField
        label="Send at (optional)"
        name="send_at"
        type="datetime-local"
        value={form.sendAt}
        error={errors.send_at}
        hint={`Leave empty to send now. Times are in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}).`}
        onChange={(e) => set("sendAt", e.target.value)}
        data-testid="compose-send-at"
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={mutation.isPending} data-testid="compose-send">
          {mutation.isPending ? "Sending…" : form.sendAt ? "Schedule" : "Send"}
        </Button>
      </div>
    </form>
  );
}
