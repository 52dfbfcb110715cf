"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field";
import { ErrorState } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import {
  contactQueries,
  type ImportItem,
  type ListItem,
  listQueries,
  uploadContactsCsv,
} from "@/lib/queries/contacts";
import { ApiError } from "@/lib/queries/fetcher";

const MAX_BYTES = 50 * 1024 * 1024;
const SHOWN_ERRORS = 50;

export function ImportDialog({
  open,
  lists,
  onClose,
}: {
  open: boolean;
  lists: ListItem[];
  onClose: () => void;
}) {
  const [importId, setImportId] = useState<string | null>(null);
  const close = () => {
    setImportId(null);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title="Import contacts from CSV" testId="import-dialog" wide>
      {importId ? (
        <ImportProgress id={importId} onAnother={() => setImportId(null)} onClose={close} />
      ) : (
        <ImportForm lists={lists} onStarted={setImportId} onCancel={close} />
      )}
    </Dialog>
  );
}

function ImportForm({
  lists,
  onStarted,
  onCancel,
}: {
  lists: ListItem[];
  onStarted: (id: string) => void;
  onCancel: () => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fileId = useId();
  const listId = useId();
  const upload = useMutation({
    mutationFn: ({ file, list }: { file: File; list: string | null }) => uploadContactsCsv(file, list),
    onSuccess: (r) => onStarted(r.import_id),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setErrors({ file: "Choose a CSV file" });
    if (file.size > MAX_BYTES)
      return setErrors({ file: "The file is larger than 50 MB; split it into smaller files" });
    setErrors({});
    const list = String(form.get("list_id") ?? "");
    upload.mutate({ file, list: list || null });
  }
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.form ? (
        <p className="text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="rounded-md bg-slate-50 p-3 text-xs text-slate-600">
        The first row names the columns. <strong>email</strong> or <strong>phone</strong> is required;{" "}
        <strong>name</strong>, <strong>timezone</strong> and <strong>locale</strong> are read too (any letter
        case), and every other column becomes an attribute. Existing contacts with the same email or phone are
        updated. Opt-outs are never lifted by an import.
      </div>
      <div>
        <label htmlFor={fileId} className="block text-sm font-medium text-slate-700">
          CSV file (up to 50 MB)
        </label>
        <input
          id={fileId}
          type="file"
          name="file"
          accept=".csv,text/csv"
          className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium"
          aria-invalid={Boolean(errors.file)}
          data-testid="import-file"
        />
        <FieldError name="file" error={errors.file} />
      </div>
      <div>
        <label htmlFor={listId} className="block text-sm font-medium text-slate-700">
          Add the contacts to a list (optional)
        </label>
        <select
          id={listId}
          name="list_id"
          defaultValue=""
          className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300"
          data-testid="import-list"
        >
          <option value="">No list</option>
          {lists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <FieldError name="list_id" error={errors.list_id} />
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={upload.isPending} data-testid="import-submit">
          {upload.isPending ? "Uploading…" : "Import"}
        </Button>
      </div>
    </form>
  );
}

function percentOf(i: ImportItem): number {
  if (i.status === "completed") return 100;
  if (!i.total_bytes) return 0;
  return Math.min(100, Math.round((i.processed_bytes / i.total_bytes) * 100));
}

const tone = { pending: "slate", running: "indigo", completed: "green", failed: "red" } as const;

function ImportProgress({
  id,
  onAnother,
  onClose,
}: {
  id: string;
  onAnother: () => void;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const query = useQuery(contactQueries.import(id));
  const status = query.data?.status;
  const finished = status === "completed" || status === "failed";
  useEffect(() => {
    if (!finished) return;
    qc.invalidateQueries({ queryKey: [...contactQueries.all, "list"] });
    qc.invalidateQueries({ queryKey: listQueries.all });
  }, [finished, qc]);

  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const i = query.data;
  const percent = i ? percentOf(i) : 0;
  return (
    <div className="space-y-4" data-testid="import-result">
      <div className="flex items-center justify-between text-sm">
        <span className="text-slate-600">{i?.filename ?? "Upload"}</span>
        <Badge tone={tone[i?.status ?? "pending"]}>
          <span data-testid="import-status">{i?.status ?? "pending"}</span>
        </Badge>
      </div>
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
        data-testid="import-progress"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-300 ${status === "failed" ? "bg-rose-500" : "bg-indigo-600"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      <dl className="grid grid-cols-3 gap-3 text-center">
        <div className="rounded-md bg-slate-50 p-2">
          <dt className="text-xs text-slate-500">Rows read</dt>
          <dd className="text-lg font-semibold text-slate-900" data-testid="import-processed">
            {i?.processed ?? 0}
          </dd>
        </div>
        <div className="rounded-md bg-emerald-50 p-2">
          <dt className="text-xs text-emerald-700">Imported</dt>
          <dd className="text-lg font-semibold text-emerald-800" data-testid="import-imported">
            {i?.imported ?? 0}
          </dd>
        </div>
        <div className="rounded-md bg-rose-50 p-2">
          <dt className="text-xs text-rose-700">Failed</dt>
          <dd className="text-lg font-semibold text-rose-800" data-testid="import-failed">
            {i?.failed ?? 0}
          </dd>
        </div>
      </dl>
      {i && i.errors.length > 0 ? (
        <div>
          <p className="mb-2 text-xs text-slate-500">
            Row 1 is the first row after the header
            {i.errors.length > SHOWN_ERRORS
              ? `; the first ${SHOWN_ERRORS} of ${i.failed} problems are shown`
              : ""}
            .
          </p>
          <div className="max-h-64 overflow-y-auto">
            <Table head={["Row", "Field", "Reason"]} testId="import-errors">
              {i.errors.slice(0, SHOWN_ERRORS).map((e) => (
                <tr key={`${e.row}-${e.field}-${e.reason}`} data-testid="import-error-row">
                  <Td>{e.row === 0 ? "file" : e.row}</Td>
                  <Td>{e.field}</Td>
                  <Td className="whitespace-normal text-xs">{e.reason}</Td>
                </tr>
              ))}
            </Table>
          </div>
        </div>
      ) : null}
      <div className="flex justify-end gap-2">
        {finished ? (
          <Button variant="secondary" onClick={onAnother}>
            Import another file
          </Button>
        ) : (
          <p className="mr-auto self-center text-xs text-slate-500">
            You can close this window; the import carries on.
          </p>
        )}
        <Button onClick={onClose} data-testid="import-close">
          {finished ? "Done" : "Close"}
        </Button>
      </div>
    </div>
  );
}
