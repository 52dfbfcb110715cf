"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FieldError, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { type ContactItem, contactQueries, type ListItem, listQueries } from "@/lib/queries/contacts";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { contactCreate, contactUpdate } from "@/lib/validation/contacts";

const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function attributesText(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${k}: ${shown(v)}`)
    .join("\n");
}

/**
 * Reads "key: value" lines. A value left as it was keeps its original type;
 * a key that disappeared is sent as null, which removes it.
 */
function parseAttributes(
  text: string,
  original: Record<string, unknown>,
): { attributes: Record<string, unknown> } | { error: string } {
  const out: Record<string, unknown> = {};
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf(":");
    if (at <= 0) return { error: `line ${i + 1}: write key: value` };
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (!key) return { error: `line ${i + 1}: the key is empty` };
    out[key] = key in original && shown(original[key]) === value ? original[key] : value;
  }
  for (const key of Object.keys(original)) if (!(key in out)) out[key] = null;
  return { attributes: out };
}

export function ContactDialog({
  open,
  contact,
  lists,
  onClose,
}: {
  open: boolean;
  contact: ContactItem | null;
  lists: ListItem[];
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={contact ? "Edit contact" : "Add contact"}
      testId="contact-dialog"
      wide
    >
      <ContactForm key={contact?.id ?? "new"} contact={contact} lists={lists} onDone={onClose} />
    </Dialog>
  );
}

function ContactForm({
  contact,
  lists,
  onDone,
}: {
  contact: ContactItem | null;
  lists: ListItem[];
  onDone: () => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const qc = useQueryClient();
  const toast = useToast();
  const attrsId = useId();
  const detail = useQuery({ ...contactQueries.detail(contact?.id ?? ""), enabled: Boolean(contact) });
  const memberOf = new Set(detail.data?.list_ids ?? []);
  const mutation = useMutation({
    mutationFn: async ({ body, listIds }: { body: Record<string, unknown>; listIds: string[] }) => {
      if (!contact)
        return api<ContactItem>("/contacts", { method: "POST", body: { ...body, list_ids: listIds } });
      const saved = await api<ContactItem>(`/contacts/${contact.id}`, { method: "PATCH", body });
      const wanted = new Set(listIds);
      for (const id of listIds.filter((l) => !memberOf.has(l))) {
        await api(`/lists/${id}/members`, { method: "POST", body: { contact_ids: [contact.id] } });
      }
      for (const id of [...memberOf].filter((l) => !wanted.has(l))) {
        await api(`/lists/${id}/members`, { method: "DELETE", body: { contact_ids: [contact.id] } });
      }
      return saved;
    },
    onSuccess: (c) => {
      toast(`Saved ${c.email ?? c.phone ?? "contact"}`);
      qc.invalidateQueries({ queryKey: contactQueries.all });
      qc.invalidateQueries({ queryKey: listQueries.all });
      onDone();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? "").trim();
    const attrs = parseAttributes(text("attributes"), contact?.attributes ?? {});
    if ("error" in attrs) return setErrors({ attributes: attrs.error });
    const raw = {
      email: text("email"),
      phone: text("phone"),
      name: text("name"),
      timezone: text("timezone"),
      locale: text("locale"),
      attributes: attrs.attributes,
    };
    // Empty fields: cleared when editing, left out when adding.
    const body = contact
      ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === "" ? null : v]))
      : Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
    const parsed = (contact ? contactUpdate : contactCreate).safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate({ body, listIds: form.getAll("list_ids").map(String) });
  }

  const loadingLists = Boolean(contact) && detail.isPending;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.form ? (
        <p className="text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Email"
          name="email"
          type="email"
          defaultValue={contact?.email ?? ""}
          error={errors.email}
          data-testid="contact-email"
        />
        <TextField
          label="Phone"
          name="phone"
          defaultValue={contact?.phone ?? ""}
          hint="National numbers are read in your organisation's default region"
          error={errors.phone}
          data-testid="contact-phone"
        />
        <TextField
          label="Name"
          name="name"
          defaultValue={contact?.name ?? ""}
          error={errors.name}
          data-testid="contact-name"
        />
        <TextField
          label="Time zone"
          name="timezone"
          defaultValue={contact?.timezone ?? ""}
          placeholder="Europe/London"
          error={errors.timezone}
          data-testid="contact-timezone"
        />
        <TextField
          label="Locale"
          name="locale"
          defaultValue={contact?.locale ?? ""}
          placeholder="en-GB"
          error={errors.locale}
          data-testid="contact-locale"
        />
      </div>
      <div>
        <label htmlFor={attrsId} className="block text-sm font-medium text-slate-700">
          Attributes
        </label>
        <textarea
          id={attrsId}
          name="attributes"
          rows={4}
          defaultValue={attributesText(contact?.attributes ?? {})}
          placeholder={"plan: pro\ncity: Leeds"}
          aria-invalid={Boolean(errors.attributes)}
          className={`mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-sm ring-1 ring-inset ${errors.attributes ? "ring-rose-400" : "ring-slate-300"}`}
          data-testid="contact-attributes"
        />
        {errors.attributes ? null : (
          <p className="mt-1 text-xs text-slate-500">
            One per line, key: value. Campaign templates can use them as variables.
          </p>
        )}
        <FieldError name="attributes" error={errors.attributes} />
      </div>
      {lists.length ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Lists</legend>
          {loadingLists ? (
            <p className="mt-1 text-xs text-slate-500">Loading memberships…</p>
          ) : (
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {lists.map((l) => (
                <label key={l.id} className="flex items-center gap-1.5 text-sm text-slate-700">
                  <input type="checkbox" name="list_ids" value={l.id} defaultChecked={memberOf.has(l.id)} />
                  {l.name}
                </label>
              ))}
            </div>
          )}
          <FieldError name="list_ids" error={errors.list_ids ?? errors["list_ids.0"]} />
        </fieldset>
      ) : null}
      {!contact ? (
        <p className="text-xs text-slate-500">
          If a contact already has this email or phone, it is updated instead (attributes are merged).
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={mutation.isPending || loadingLists} data-testid="contact-submit">
          {mutation.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
