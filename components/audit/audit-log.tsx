"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { type AuditFilters, type AuditItem, auditQueries } from "@/lib/queries/settings";
import { useUrlFilters, useUrlPages } from "@/lib/queries/url-state";

function Changes({ changes }: { changes: AuditItem["changes"] }) {
  if (!changes || Object.keys(changes).length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {Object.entries(changes).map(([field, value]) => {
        const text =
          value && typeof value === "object" && "to" in value && "from" in value
            ? `${JSON.stringify(value.from)} → ${JSON.stringify(value.to)}`
            : JSON.stringify(value);
        return (
          <li key={field}>
            <span className="font-medium text-slate-600">{field}</span>:{" "}
            <span className="text-slate-500">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}

const AUDIT_FILTER_KEYS = ["action", "resource_type", "actor_type", "pages"] as const;

export function AuditLog() {
  const { values, apply, key } = useUrlFilters(AUDIT_FILTER_KEYS);
  const { pages, ...filters }: AuditFilters & { pages?: string } = values;
  const query = useInfiniteQuery(auditQueries.pages(filters));
  const { rows, hasMore, loadingMore, loadMore } = useUrlPages(query, pages, (n) =>
    apply({ ...values, pages: String(n) }),
  );

  return (
    <section>
      <form
        key={key}
        className="mb-4 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          apply(Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>);
        }}
      >
        <label className="text-sm">
          <span className="block text-slate-600">Action</span>
          <input
            name="action"
            defaultValue={values.action ?? ""}
            placeholder="e.g. api_key.created"
            className="mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
            data-testid="filter-action"
          />
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">Resource</span>
          <input
            name="resource_type"
            defaultValue={values.resource_type ?? ""}
            placeholder="e.g. api_key"
            className="mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
          />
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">Actor</span>
          <select
            name="actor_type"
            defaultValue={values.actor_type ?? ""}
            className="mt-1 rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-slate-300"
          >
            <option value="">Any</option>
            <option value="user">User</option>
            <option value="api_key">API key</option>
            <option value="system">System</option>
          </select>
        </label>
        <Button type="submit" variant="secondary" data-testid="filter-apply">
          Filter
        </Button>
      </form>
      {query.isPending ? (
        <LoadingRows rows={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No audit entries">
          Changes made by people and API keys appear here as they happen.
        </EmptyState>
      ) : (
        <>
          <Table head={["When", "Actor", "Action", "Resource", "Changes", "IP"]} testId="audit-table">
            {rows.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action} className="align-top">
                <Td>{new Date(e.created_at).toLocaleString()}</Td>
                <Td>
                  <Badge
                    tone={e.actor_type === "user" ? "indigo" : e.actor_type === "api_key" ? "amber" : "slate"}
                  >
                    {e.actor_type}
                  </Badge>{" "}
                  <span className="text-xs text-slate-600">{e.actor_label}</span>
                </Td>
                <Td className="font-mono text-xs">{e.action}</Td>
                <Td className="text-xs">
                  {e.resource_type}
                  {e.resource_id ? (
                    <span className="block text-slate-400">{e.resource_id.slice(0, 8)}</span>
                  ) : null}
                </Td>
                <Td className="whitespace-normal">
                  <Changes changes={e.changes} />
                </Td>
                <Td className="text-xs text-slate-500">{e.ip ?? "—"}</Td>
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
    </section>
  );
}
