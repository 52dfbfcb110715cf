"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";
import { useLeaveGuard } from "@/components/ui/use-leave-guard";
import { ApiError, api } from "@/lib/queries/fetcher";
import { TEMPLATE_CATEGORIES, type TemplateItem, templateQueries } from "@/lib/queries/templates";
import { templateVariables } from "@/lib/services/templates/render";
import { ChannelBadge } from "./channel-badge";
import { DeleteTemplateDialog } from "./delete-template-dialog";
import { type Draft, draftFrom, isDirty, partsOf, validateDraft } from "./draft";
import { ActiveToggle, TextAreaField } from "./fields";
import { LivePreview } from "./live-preview";
import { SmsBodyField } from "./sms-body-field";
import { VersionHistory } from "./version-history";

const backLink = (
  <Link href="/templates" className="text-sm text-indigo-700 hover:underline" data-testid="back-to-templates">
    ← Templates
  </Link>
);

export function TemplateEditor({ id }: { id: string }) {
  const query = useQuery(templateQueries.detail(id));
  // Sample values live here, above the keyed form, so they survive the remount after a save.
  const [values, setValues] = useState<Record<string, string>>({});

  if (query.isPending) return <LoadingRows rows={6} />;
  if (query.isError) {
    // 400 too: a malformed id in the URL is as much "not found" as an unknown one.
    const missing =
      query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <div className="max-w-3xl space-y-4">
        {backLink}
        {missing ? (
          <div data-testid="template-not-found">
            <EmptyState title="Template not found" action={<Link href="/templates">Back to templates</Link>}>
              It may have been deleted, or it belongs to another organisation.
            </EmptyState>
          </div>
        ) : (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        )}
      </div>
    );
  }
  const t = query.data;
  return (
    // Keyed on what the server saved, so a save or a restore resets the draft to the new content.
    <EditorForm
      key={`${t.id}:${t.version}:${t.updated_at}`}
      template={t}
      values={values}
      onValueChange={(name, v) => setValues((prev) => ({ ...prev, [name]: v }))}
    />
  );
}

function EditorForm({
  template,
  values,
  onValueChange,
}: {
  template: TemplateItem;
  values: Record<string, string>;
  onValueChange: (name: string, value: string) => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const formId = useId();
  const categoryListId = useId();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(template));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState(false);
  const dirty = isDirty(template, draft);
  const email = template.channel === "email";
  const parts = partsOf(template.channel, draft);
  const variableNames = variablesOf(Object.values(parts));

  const save = useMutation({
    mutationFn: (body: unknown) => api<TemplateItem>(`/templates/${template.id}`, { method: "PATCH", body }),
    onSuccess: (t) => {
      toast(`Saved — version ${t.version}`);
      qc.setQueryData(templateQueries.detail(t.id).queryKey, t);
      qc.invalidateQueries({ queryKey: templateQueries.all });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  // Asks before a reload, a closed tab or a link (the back link, the sidebar) drops the edits.
  useLeaveGuard(dirty && !save.isPending);

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const checked = validateDraft(template.channel, draft);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    save.mutate(checked.patch);
  }

  return (
    <div className="max-w-7xl">
      <div className="mb-2">{backLink}</div>
      <PageHeader
        title={template.name}
        description={
          <span className="inline-flex items-center gap-2">
            <ChannelBadge channel={template.channel} />
            <span data-testid="template-version">Version {template.version}</span>
            {dirty ? (
              <span className="text-amber-700" data-testid="unsaved-changes">
                · Unsaved changes
              </span>
            ) : null}
          </span>
        }
        actions={
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setDeleting(true)} data-testid="template-delete">
              Delete
            </Button>
            <Button type="submit" form={formId} disabled={save.isPending} data-testid="template-save">
              {save.isPending ? "Saving…" : "Save"}
            </Button>
          </div>
        }
      />

      <div className="grid items-start gap-6 lg:grid-cols-2">
        <form
          id={formId}
          onSubmit={submit}
          noValidate
          className="space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
          data-testid="template-form"
        >
          {errors.form ? (
            <p
              className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
              role="alert"
              data-testid="form-error"
            >
              {errors.form}
            </p>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              value={draft.name}
              onChange={(e) => set("name", e.target.value)}
              error={errors.name}
              data-testid="template-name"
            />
            <TextField
              label="Category"
              name="category"
              value={draft.category}
              onChange={(e) => set("category", e.target.value)}
              list={categoryListId}
              error={errors.category}
              data-testid="template-category"
            />
            <datalist id={categoryListId}>
              {TEMPLATE_CATEGORIES.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </div>
          <ActiveToggle checked={draft.active} onChange={(v) => set("active", v)} />
          {email ? (
            <>
              <TextField
                label="Subject"
                name="subject"
                value={draft.subject}
                onChange={(e) => set("subject", e.target.value)}
                error={errors.subject}
                data-testid="template-subject"
              />
              <TextAreaField
                label="HTML body"
                name="html"
                mono
                rows={12}
                value={draft.html}
                onChange={(e) => set("html", e.target.value)}
                error={errors.html}
                hint="Variables are HTML-escaped here; use {{{name}}} for trusted HTML."
                data-testid="template-html"
              />
              <TextAreaField
                label="Text body"
                name="text"
                rows={6}
                value={draft.text}
                onChange={(e) => set("text", e.target.value)}
                error={errors.text}
                hint="Shown by mail clients that do not display HTML. An email needs an HTML or a text body."
                data-testid="template-text"
              />
            </>
          ) : (
            <SmsBodyField
              value={draft.body}
              onChange={(v) => set("body", v)}
              error={errors.body}
              hasVariables={variableNames.length > 0}
            />
          )}
        </form>

        <LivePreview
          channel={template.channel}
          parts={parts}
          variableNames={variableNames}
          values={values}
          onValueChange={onValueChange}
        />
      </div>

      <VersionHistory template={template} dirty={dirty} />
      <DeleteTemplateDialog template={template} open={deleting} onClose={() => setDeleting(false)} />
    </div>
  );
}

/** Variables of every part in order of first use; a part mid-edit with broken syntax adds none. */
function variablesOf(sources: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    if (!source) continue;
    try {
      for (const name of templateVariables(source)) names.add(name);
    } catch {
      // the preview reports the syntax error
    }
  }
  return [...names];
}
