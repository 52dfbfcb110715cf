"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { type ContactItem, contactQueries, type ListItem, listQueries } from "@/lib/queries/contacts";
import { api } from "@/lib/queries/fetcher";

export function MembersDialog({ list, onClose }: { list: ListItem; onClose: () => void }) {
  const query = useInfiniteQuery(listQueries.members(list.id));
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (c: ContactItem) =>
      api(`/lists/${list.id}/members`, { method: "DELETE", body: { contact_ids: [c.id] } }),
    onSuccess: (_r, c) => {
      toast(`Removed ${c.email ?? c.phone ?? "contact"} from ${list.name}`);
      qc.invalidateQueries({ queryKey: listQueries.all });
      qc.invalidateQueries({ queryKey: contactQueries.all });
    },
    onError: (e) => toast(e.message, "error"),
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Dialog open onClose={onClose} title={`Members of ${list.name}`} testId="members-dialog" wide>
      <div className="max-h-[60vh] overflow-y-auto">
        {query.isPending ? (
          <LoadingRows />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="This list is empty">
            Add contacts from the Contacts page (edit a contact, or import a CSV into this list).
          </EmptyState>
        ) : (
          <Table head={["Email", "Phone", "Name", ""]} testId="members-table">
            {rows.map((c) => (
              <tr key={c.id} data-testid="member-row">
                <Td className="font-medium text-slate-900">{c.email ?? "—"}</Td>
                <Td>{c.phone ?? "—"}</Td>
                <Td>{c.name ?? "—"}</Td>
                <Td className="text-right">
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => remove.mutate(c)}
                    disabled={remove.isPending}
                  >
                    Remove
                  </Button>
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {query.hasNextPage ? (
          <div className="mt-3 text-center">
            <Button
              variant="secondary"
              onClick={() => query.fetchNextPage()}
              disabled={query.isFetchingNextPage}
            >
              {query.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          </div>
        ) : null}
      </div>
      <div className="mt-4 flex justify-between gap-2">
        <a
          href={`/contacts?list_id=${list.id}`}
          className="self-center text-sm text-indigo-600 hover:text-indigo-500"
        >
          Open in Contacts
        </a>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </Dialog>
  );
}
