"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { type TemplateChannel, type TemplateItem, templateQueries } from "@/lib/queries/templates";
import { templateCreate } from "@/lib/validation/templates";

const CHANNEL_OPTIONS = [
  { value: "email", label: "Email" },
  { value: "sms", label: "SMS" },
];

// A starting point that passes templateCreate's per-channel rules, so the editor opens
// on something already valid and shows a variable in the live preview at once.
const STARTER = "Hello {{name}}";

export function NewTemplateDialog({
  open,
  onClose,
  defaultChannel,
  categories,
}: {
  open: boolean;
  onClose: () => void;
  defaultChannel?: TemplateChannel;
  categories: string[];
}) {
  const qc = useQueryClient();
  const router = useRouter();
  const listId = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<TemplateItem>("/templates", { method: "POST", body }),
    onSuccess: (t) => {
      qc.setQueryData(templateQueries.detail(t.id).queryKey, t);
      qc.invalidateQueries({ queryKey: templateQueries.all });
      router.push(`/templates/${t.id}`);
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const name = f.name ?? "";
    const content =
      f.channel === "email" ? { subject: name.trim() || undefined, text: STARTER } : { body: STARTER };
    const parsed = templateCreate.safeParse({
      channel: f.channel,
      name,
      category: f.category || undefined,
      ...content,
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }

  function close() {
    setErrors({});
    mutation.reset();
    onClose();
  }

  return (
    <Dialog open={open} onClose={close} title="New template" testId="new-template-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? (
          <p className="text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <SelectField
          label="Channel"
          name="channel"
          options={CHANNEL_OPTIONS}
          defaultValue={defaultChannel ?? "email"}
          error={errors.channel}
          data-testid="new-template-channel"
        />
        <TextField
          label="Name"
          name="name"
          placeholder="e.g. Order shipped"
          error={errors.name}
          data-testid="new-template-name"
        />
        <TextField
          label="Category"
          name="category"
          defaultValue="transactional"
          list={listId}
          hint="transactional, marketing, otp, reminder, or your own short lowercase name"
          error={errors.category}
          data-testid="new-template-category"
        />
        <datalist id={listId}>
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="new-template-submit">
            {mutation.isPending ? "Creating…" : "Create and edit"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
