"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { type ListItem, listQueries } from "@/lib/queries/contacts";
import { ApiError, api } from "@/lib/queries/fetcher";

const NEW = "__new__";

/** Picks the list imported contacts join, or makes one on the spot (POST /lists) with "New list…". */
export function ImportListPicker({
  lists,
  value,
  onChange,
  error,
}: {
  lists: ListItem[];
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const qc = useQueryClient();
  const selectId = useId();
  const nameId = useId();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | undefined>();
  // A list made here shows at once, before the lists query has refetched.
  const [made, setMade] = useState<ListItem[]>([]);
  const options = [...lists, ...made.filter((m) => !lists.some((l) => l.id === m.id))];
  const create = useMutation({
    mutationFn: (listName: string) => api<ListItem>("/lists", { method: "POST", body: { name: listName } }),
    onSuccess: (list) => {
      setMade((m) => [...m, list]);
      qc.invalidateQueries({ queryKey: listQueries.all });
      onChange(list.id);
      setCreating(false);
      setName("");
    },
    onError: (e) =>
      setNameError(e instanceof ApiError ? (e.fields.name ?? e.message) : "The list could not be created"),
  });

  function submitNew() {
    const trimmed = name.trim();
    if (!trimmed) return setNameError("Name the list");
    setNameError(undefined);
    create.mutate(trimmed);
  }

  return (
    <div>
      <label htmlFor={selectId} className="block text-sm font-medium text-slate-700">
        Add the contacts to a list (optional)
      </label>
      <select
        id={selectId}
        name="list_id"
        value={creating ? NEW : value}
        onChange={(e) => {
          if (e.target.value === NEW) {
            setCreating(true);
            return;
          }
          setCreating(false);
          onChange(e.target.value);
        }}
        className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300"
        data-testid="import-list"
      >
        <option value="">No list</option>
        {options.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
        <option value={NEW}>New list…</option>
      </select>
      <FieldError name="list_id" error={error} />
      {creating ? (
        <div className="mt-2 rounded-md bg-slate-50 p-3" data-testid="import-new-list">
          <label htmlFor={nameId} className="block text-xs font-medium text-slate-600">
            Name of the new list
          </label>
          <div className="mt-1 flex flex-wrap gap-2">
            <input
              id={nameId}
              value={name}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                // Enter makes the list rather than submitting the import.
                if (e.key === "Enter") {
                  e.preventDefault();
                  submitNew();
                }
              }}
              maxLength={200}
              aria-invalid={Boolean(nameError)}
              className="min-w-0 flex-1 rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-inset ring-slate-300"
              data-testid="import-new-list-name"
            />
            <Button onClick={submitNew} disabled={create.isPending} data-testid="import-new-list-create">
              {create.isPending ? "Creating…" : "Create list"}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setCreating(false);
                setNameError(undefined);
              }}
            >
              Cancel
            </Button>
          </div>
          <FieldError name="new_list_name" error={nameError} />
        </div>
      ) : null}
    </div>
  );
}
