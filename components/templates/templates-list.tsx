"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import {
  TEMPLATE_CATEGORIES,
  type TemplateChannel,
  type TemplateFilters,
  templateQueries,
} from "@/lib/queries/templates";
import { useUrlFilters, useUrlSearch } from "@/lib/queries/url-state";
import { ChannelBadge } from "./channel-badge";
import { NewTemplateDialog } from "./new-template-dialog";

const CHANNELS: { value: TemplateChannel | undefined; label: string; testId: string }[] = [
  { value: undefined, label: "All", testId: "filter-channel-all" },
  { value: "email", label: "Email", testId: "filter-channel-email" },
  { value: "sms", label: "SMS", testId: "filter-channel-sms" },
];

const input = "mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300";

const TEMPLATE_FILTER_KEYS = ["channel", "category", "q"] as const;

export function TemplatesList() {
  const { values, apply } = useUrlFilters(TEMPLATE_FILTER_KEYS);
  const channel = values.channel === "email" || values.channel === "sms" ? values.channel : undefined;
  const category = values.category ?? "";
  const setChannel = (c: TemplateChannel | undefined) => apply({ ...values, channel: c });
  const setCategory = (c: string) => apply({ ...values, category: c });
  const {
    text: search,
    setText: setSearch,
    q,
  } = useUrlSearch(values.q, (next) => apply({ ...values, q: next }, { replace: true }));
  const filters: TemplateFilters = { channel, category: category || undefined, q: q || undefined };
  const filtered = Boolean(channel || category || q);

  // Keeping the previous rows while the next filter loads avoids a flash of skeletons per keystroke.
  const query = useQuery({ ...templateQueries.list(filters), placeholderData: keepPreviousData });
  // Unfiltered list (shared cache entry when no filter is set) to offer every category in use.
  const all = useQuery(templateQueries.list());
  const categories = [
    ...new Set([...TEMPLATE_CATEGORIES, ...(all.data?.data.map((t) => t.category) ?? [])]),
  ].sort();
  const [creating, setCreating] = useState(false);

  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <fieldset>
            <legend className="text-sm text-slate-600">Channel</legend>
            <div className="mt-1 inline-flex rounded-md shadow-sm ring-1 ring-slate-300">
              {CHANNELS.map((c) => (
                <button
                  key={c.label}
                  type="button"
                  aria-pressed={channel === c.value}
                  onClick={() => setChannel(c.value)}
                  data-testid={c.testId}
                  className={`px-3 py-1.5 text-sm first:rounded-l-md last:rounded-r-md ${
                    channel === c.value
                      ? "bg-indigo-600 text-white"
                      : "bg-white text-slate-700 hover:bg-slate-50"
                  }`}
                >
                  {c.label}
                </button>
              ))}
            </div>
          </fieldset>
          <label className="text-sm">
            <span className="block text-slate-600">Category</span>
            <select
              value={category}
              onChange={(e) => setCategory(e.target.value)}
              className={`${input} pr-7`}
              data-testid="filter-category"
            >
              <option value="">All categories</option>
              {categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="block text-slate-600">Search</span>
            <input
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="Template name"
              className={input}
              data-testid="filter-search"
            />
          </label>
        </div>
        <Button onClick={() => setCreating(true)} data-testid="new-template">
          New template
        </Button>
      </div>

      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No templates match these filters">
            Try another channel, category or name.
          </EmptyState>
        ) : (
          <EmptyState
            title="No templates yet — create one"
            action={<Button onClick={() => setCreating(true)}>New template</Button>}
          >
            Templates hold the subject and bodies of messages, with {"{{variables}}"} filled in at send time.
          </EmptyState>
        )
      ) : (
        <Table
          head={["Name", "Channel", "Category", "Version", "Status", "Updated"]}
          testId="templates-table"
        >
          {query.data.data.map((t) => (
            <tr
              key={t.id}
              data-testid="template-row"
              data-template-name={t.name}
              className="hover:bg-slate-50"
            >
              <Td className="font-medium">
                <Link
                  href={`/templates/${t.id}`}
                  className="text-indigo-700 hover:underline"
                  data-testid={`template-link-${t.name}`}
                >
                  {t.name}
                </Link>
              </Td>
              <Td>
                <ChannelBadge channel={t.channel} />
              </Td>
              <Td>{t.category}</Td>
              <Td>v{t.version}</Td>
              <Td>{t.active ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}</Td>
              <Td>{new Date(t.updated_at).toLocaleString()}</Td>
            </tr>
          ))}
        </Table>
      )}
      <NewTemplateDialog
        open={creating}
        onClose={() => setCreating(false)}
        defaultChannel={channel}
        categories={categories}
      />
    </section>
  );
}
