"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { contactQueries, type ListItem, listQueries } from "@/lib/queries/contacts";
import { api } from "@/lib/queries/fetcher";
import { useUrlFilters, useUrlSearch } from "@/lib/queries/url-state";
import { ListDialog } from "./list-dialog";
import { MembersDialog } from "./members-dialog";

const LIST_FILTER_KEYS = ["q", "cursor"] as const;

type Open = { kind: "new" } | { kind: "rename" | "members" | "delete"; list: ListItem } | null;

function DeleteListDialog({ list, onClose }: { list: ListItem; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: () => api(`/lists/${list.id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast(`Deleted ${list.name}`);
      qc.invalidateQueries({ queryKey: listQueries.all });
      qc.invalidateQueries({ queryKey: contactQueries.all });
      onClose();
    },
    onError: (e) => toast(e.message, "error"),
  });
  return (
    <Dialog open onClose={onClose} title="Delete list?" testId="delete-list-dialog">
      <p className="text-sm text-slate-600">
        <strong>{list.name}</strong> will be deleted. Its {list.member_count} member
        {list.member_count === 1 ? "" : "s"} stay in your contacts.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() => mutation.mutate()}
          data-testid="confirm-delete-list"
        >
          {mutation.isPending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </Dialog>
  );
}

export function ListsPanel() {
  const [open, setOpen] = useState<Open>(null);
  const { values, apply } = useUrlFilters(LIST_FILTER_KEYS);
  // A new search starts again at the newest page.
  const {
    text: search,
    setText: setSearch,
    q,
  } = useUrlSearch(values.q, (next) => apply({ q: next, cursor: undefined }, { replace: true }));
  const cursor = values.cursor ?? null;
  const query = useQuery(listQueries.page({ q: q || undefined }, cursor));
  const rows = query.data?.data ?? [];
  const filtered = Boolean(q) || Boolean(cursor);
  const close = () => setOpen(null);
  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <label className="text-sm">
          <span className="block text-slate-600">Search</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="List name"
            className="mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
            data-testid="list-search"
          />
        </label>
        <Button onClick={() => setOpen({ kind: "new" })} data-testid="new-list">
          New list
        </Button>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 && filtered ? (
        <EmptyState
          title="No lists match this search"
          action={
            <Button variant="secondary" onClick={() => apply({})} data-testid="list-search-clear">
              Clear search
            </Button>
          }
        />
      ) : rows.length === 0 ? (
        <EmptyState
          title="No lists yet"
          action={
            <Button variant="secondary" onClick={() => setOpen({ kind: "new" })}>
              Create a list
            </Button>
          }
        >
          Lists group contacts for campaigns. Create one, then import a CSV into it or add contacts from the
          Contacts page.
        </EmptyState>
      ) : (
        <>
          <Table head={["Name", "Description", "Members", "Created", ""]} testId="lists-table">
            {rows.map((l) => (
              <tr key={l.id} data-testid="list-row" data-name={l.name}>
                <Td className="font-medium text-slate-900">{l.name}</Td>
                <Td className="max-w-xs truncate text-xs">{l.description ?? "—"}</Td>
                <Td>
                  <span data-testid="list-member-count">{l.member_count.toLocaleString()}</span>
                </Td>
                <Td className="text-xs">{new Date(l.created_at).toLocaleDateString()}</Td>
                <Td className="text-right">
                  <div className="flex justify-end gap-1">
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setOpen({ kind: "members", list: l })}
                      data-testid="view-members"
                    >
                      Members
                    </Button>
                    <a
                      href={`/api/v1/lists/${l.id}/export`}
                      download
                      className="inline-flex items-center rounded-md px-2.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                      data-testid="export-list"
                    >
                      Export CSV
                    </a>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setOpen({ kind: "rename", list: l })}
                      data-testid="rename-list"
                    >
                      Rename
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => setOpen({ kind: "delete", list: l })}
                      data-testid="delete-list"
                    >
                      Delete
                    </Button>
                  </div>
                </Td>
              </tr>
            ))}
          </Table>
          <div className="mt-4 flex items-center justify-between gap-3 text-sm">
            {cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: undefined })}
                data-testid="lists-first"
              >
                ← First page
              </Button>
            ) : (
              <span />
            )}
            {query.data?.next_cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: query.data?.next_cursor ?? undefined })}
                disabled={query.isPlaceholderData}
                data-testid="lists-next"
              >
                Next page →
              </Button>
            ) : null}
          </div>
        </>
      )}
      <ListDialog
        open={open?.kind === "new" || open?.kind === "rename"}
        list={open?.kind === "rename" ? open.list : null}
        onClose={close}
      />
      {open?.kind === "members" ? <MembersDialog list={open.list} onClose={close} /> : null}
      {open?.kind === "delete" ? <DeleteListDialog list={open.list} onClose={close} /> : null}
    </section>
  );
}
