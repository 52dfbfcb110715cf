"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { type ListItem, listQueries } from "@/lib/queries/contacts";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { listCreate } from "@/lib/validation/contacts";

/** Creates a list, or renames one (and changes its description) when `list` is given. */
export function ListDialog({
  open,
  list,
  onClose,
}: {
  open: boolean;
  list: ListItem | null;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={list ? "Rename list" : "New list"} testId="list-dialog">
      <ListForm key={list?.id ?? "new"} list={list} onDone={onClose} />
    </Dialog>
  );
}

function ListForm({ list, onDone }: { list: ListItem | null; onDone: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: { name: string; description: string | null }) =>
      list
        ? api<ListItem>(`/lists/${list.id}`, { method: "PATCH", body })
        : api<ListItem>("/lists", { method: "POST", body }),
    onSuccess: (l) => {
      toast(list ? `Saved ${l.name}` : `Created ${l.name}`);
      qc.invalidateQueries({ queryKey: listQueries.all });
      onDone();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = { name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") };
    const parsed = listCreate.safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate({ name: parsed.data.name, description: parsed.data.description ?? null });
  }
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.form ? (
        <p className="text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <TextField
        label="Name"
        name="name"
        defaultValue={list?.name ?? ""}
        error={errors.name}
        data-testid="list-name"
      />
      <TextField
        label="Description (optional)"
        name="description"
        defaultValue={list?.description ?? ""}
        error={errors.description}
        data-testid="list-description"
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={mutation.isPending} data-testid="list-submit">
          {mutation.isPending ? "Saving…" : list ? "Save" : "Create list"}
        </Button>
      </div>
    </form>
  );
}
