"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { type ContactItem, contactQueries, listQueries } from "@/lib/queries/contacts";
import { useUrlFilters, useUrlPages, useUrlSearch } from "@/lib/queries/url-state";
import { DeleteContactDialog, EraseContactDialog } from "./confirm-dialogs";
import { ContactDialog } from "./contact-dialog";
import { ImportDialog } from "./import-dialog";

function attributesSummary(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return "—";
  const text = entries
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
  return entries.length > 3 ? `${text}, +${entries.length - 3}` : text;
}

type Dialog =
  | { kind: "add" }
  | { kind: "edit"; contact: ContactItem }
  | { kind: "delete"; contact: ContactItem }
  | { kind: "erase"; contact: ContactItem }
  | { kind: "import" }
  | null;

const CONTACT_FILTER_KEYS = ["q", "list_id", "pages"] as const;

export function ContactsPanel() {
  const { values, apply } = useUrlFilters(CONTACT_FILTER_KEYS);
  const listId = values.list_id ?? "";
  const setListId = (id: string) => apply({ ...values, list_id: id, pages: undefined });
  const {
    text: q,
    setText: setQ,
    q: settled,
  } = useUrlSearch(values.q, (next) => apply({ ...values, q: next }, { replace: true }));
  const [dialog, setDialog] = useState<Dialog>(null);
  const query = useInfiniteQuery(
    contactQueries.list({ q: settled || undefined, listId: listId || undefined }),
  );
  const listsQuery = useQuery(listQueries.list());
  const lists = listsQuery.data?.data ?? [];
  const { rows, hasMore, loadingMore, loadMore } = useUrlPages(query, values.pages, (n) =>
    apply({ ...values, pages: String(n) }),
  );
  const filtered = Boolean(settled || listId);
  const close = () => setDialog(null);

  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-slate-600">Search</span>
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Email, phone or name"
            className="mt-1 w-64 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
            data-testid="contact-search"
          />
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">List</span>
          <select
            value={listId}
            onChange={(e) => setListId(e.target.value)}
            className="mt-1 rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-slate-300"
            data-testid="contact-list-filter"
          >
            <option value="">All contacts</option>
            {lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({l.member_count})
              </option>
            ))}
          </select>
        </label>
        <div className="ml-auto flex gap-2">
          <Button
            variant="secondary"
            onClick={() => setDialog({ kind: "import" })}
            data-testid="import-contacts"
          >
            Import CSV
          </Button>
          <Button onClick={() => setDialog({ kind: "add" })} data-testid="add-contact">
            Add contact
          </Button>
        </div>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={filtered ? "No matching contacts" : "No contacts yet"}
          action={
            filtered ? undefined : (
              <Button variant="secondary" onClick={() => setDialog({ kind: "import" })}>
                Import a CSV
              </Button>
            )
          }
        >
          {filtered
            ? "Try another search or list."
            : "Add people one by one, or import a CSV with an email or phone column; other columns become attributes."}
        </EmptyState>
      ) : (
        <>
          <Table head={["Email", "Phone", "Name", "Attributes", "Added", ""]} testId="contacts-table">
            {rows.map((c) => (
              <tr key={c.id} data-testid="contact-row" data-email={c.email ?? ""}>
                <Td className="font-medium text-slate-900">{c.email ?? "—"}</Td>
                <Td>{c.phone ?? "—"}</Td>
                <Td>
                  {c.name ?? "—"}
                  {c.timezone ? (
                    <span className="ml-2">
                      <Badge>{c.timezone}</Badge>
                    </span>
                  ) : null}
                </Td>
                <Td className="max-w-xs truncate text-xs">{attributesSummary(c.attributes)}</Td>
                <Td className="text-xs">{new Date(c.created_at).toLocaleDateString()}</Td>
                <Td className="text-right">
                  <div className="flex justify-end gap-1">
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setDialog({ kind: "edit", contact: c })}
                      data-testid="edit-contact"
                    >
                      Edit
                    </Button>
                    <a
                      href={`/api/v1/contacts/${c.id}/export`}
                      download={`contact-${c.id}.json`}
                      className="inline-flex items-center rounded-md px-2.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                      data-testid="export-contact"
                    >
                      Export
                    </a>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setDialog({ kind: "erase", contact: c })}
                      data-testid="erase-contact"
                    >
                      Erase
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setDialog({ kind: "delete", contact: c })}
                      data-testid="delete-contact"
                    >
                      Delete
                    </Button>
                  </div>
                </Td>
              </tr>
            ))}
          </Table>
          {hasMore ? (
            <div className="mt-4 text-center">
              <Button variant="secondary" onClick={loadMore} disabled={loadingMore}>
                {loadingMore ? "Loading…" : "Load more"}
              </Button>
            </div>
          ) : null}
        </>
      )}
      <ContactDialog
        open={dialog?.kind === "add" || dialog?.kind === "edit"}
        contact={dialog?.kind === "edit" ? dialog.contact : null}
        lists={lists}
        onClose={close}
      />
      {dialog?.kind === "delete" ? <DeleteContactDialog contact={dialog.contact} onClose={close} /> : null}
      {dialog?.kind === "erase" ? <EraseContactDialog contact={dialog.contact} onClose={close} /> : null}
      <ImportDialog open={dialog?.kind === "import"} lists={lists} onClose={close} />
    </section>
  );
}
