"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
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
import { type ColumnChoice, type CsvPreview, choicesFor, mappingOf, readCsvPreview } from "./csv-preview";
import { ImportListPicker } from "./import-list-picker";
import { ColumnMappingTable, RowsPreview } from "./import-mapping";

const MAX_BYTES = 50 * 1024 * 1024;

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

type PreviewState =
  | { kind: "none" }
  | { kind: "reading" }
  | { kind: "ready"; preview: CsvPreview }
  | { kind: "unreadable"; message: string };

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
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<PreviewState>({ kind: "none" });
  const [choices, setChoices] = useState<Record<string, ColumnChoice>>({});
  const [listId, setListId] = useState("");
  const chosen = useRef<File | null>(null);
  const fileId = useId();
  const upload = useMutation({
    mutationFn: (v: { file: File; list: string | null; mapping: Record<string, string> | null }) =>
      uploadContactsCsv(v.file, v.list, v.mapping),
    onSuccess: (r) => onStarted(r.import_id),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  const ready = preview.kind === "ready" ? preview.preview : null;
  const mapped = ready ? mappingOf(choices) : null;

  async function choose(f: File | null) {
    chosen.current = f;
    setFile(f);
    setErrors({});
    if (!f) return setPreview({ kind: "none" });
    setPreview({ kind: "reading" });
    let next: PreviewState;
    let guessed: Record<string, ColumnChoice> = {};
    try {
      const p = await readCsvPreview(f);
      if (p.header.filter(Boolean).length === 0) throw new Error("the first row names no columns");
      guessed = choicesFor(p.header);
      next = { kind: "ready", preview: p };
    } catch (e) {
      // The server reads the file again and reports what is wrong with it, row by row.
      next = { kind: "unreadable", message: e instanceof Error ? e.message : String(e) };
    }
    // Another file chosen meanwhile wins.
    if (chosen.current !== f) return;
    setChoices(guessed);
    setPreview(next);
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!file || file.size === 0) return setErrors({ file: "Choose a CSV file" });
    if (file.size > MAX_BYTES)
      return setErrors({ file: "The file is larger than 50 MB; split it into smaller files" });
    if (mapped?.problem) return setErrors({ mapping: mapped.problem });
    setErrors({});
    upload.mutate({ file, list: listId || null, mapping: mapped?.mapping ?? null });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {errors.form ? (
        <p className="text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="rounded-md bg-slate-50 p-3 text-xs text-slate-600">
        The first row names the columns; after you choose a file you can say what each one is. An{" "}
        <strong>email</strong> or a <strong>phone</strong> column is required. A row with a bad email but a
        good phone (or the other way round) is imported without the bad one, and the problem is reported.
        Existing contacts with the same email or phone are updated. Opt-outs are never lifted by an import.
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
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
          className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium"
          aria-invalid={Boolean(errors.file)}
          data-testid="import-file"
        />
        <FieldError name="file" error={errors.file} />
      </div>
      {preview.kind === "reading" ? <p className="text-xs text-slate-500">Reading the first rows…</p> : null}
      {preview.kind === "unreadable" ? (
        <p className="text-xs text-amber-800" data-testid="import-preview-unavailable">
          No preview ({preview.message}); the columns will be read by their names.
        </p>
      ) : null}
      {ready ? (
        <div className="space-y-3">
          <div>
            <h3 className="text-sm font-medium text-slate-700">Columns</h3>
            <p className="mb-2 text-xs text-slate-500">
              Guessed from the column names; first and last name are joined into the name.
            </p>
            <ColumnMappingTable
              preview={ready}
              choices={choices}
              onChange={(column, choice) => setChoices((c) => ({ ...c, [column]: choice }))}
            />
            <FieldError name="mapping" error={errors.mapping ?? mapped?.problem} />
          </div>
          <div>
            <h3 className="mb-2 text-sm font-medium text-slate-700">
              First {ready.rows.length === 1 ? "row" : `${ready.rows.length} rows`}
            </h3>
            {ready.rows.length ? (
              <RowsPreview preview={ready} choices={choices} />
            ) : (
              <p className="text-xs text-slate-500">The file has a header and no rows.</p>
            )}
          </div>
        </div>
      ) : null}
      <ImportListPicker lists={lists} value={listId} onChange={setListId} error={errors.list_id} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          type="submit"
          disabled={upload.isPending || preview.kind === "reading"}
          data-testid="import-submit"
        >
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
          <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
            <p className="text-xs text-slate-500">
              Row 1 is the first row after the header
              {i.error_count > i.errors.length
                ? `; the first ${i.errors.length} of ${i.error_count} problems are shown`
                : ""}
              .
            </p>
            {finished ? (
              <a
                href={`/api/v1/contacts/imports/${encodeURIComponent(id)}/errors`}
                download
                className="text-xs font-medium text-indigo-700 hover:underline"
                data-testid="import-errors-download"
              >
                Download all {i.error_count} problems (CSV)
              </a>
            ) : null}
          </div>
          <div className="max-h-64 overflow-y-auto">
            <Table head={["Row", "Field", "Reason"]} testId="import-errors">
              {i.errors.map((e) => (
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
