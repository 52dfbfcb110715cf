"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { billingQueries } from "@/lib/queries/billing";
import { useUrlFilters, useUrlSearch } from "@/lib/queries/url-state";
import { date } from "./format";
import { NewCustomerDialog } from "./new-customer-dialog";

const CUSTOMER_FILTER_KEYS = ["q"] as const;

export function CustomersPanel({ canWrite, testMode = true }: { canWrite: boolean; testMode?: boolean }) {
  const { values, apply } = useUrlFilters(CUSTOMER_FILTER_KEYS);
  const {
    text: search,
    setText: setSearch,
    q: settled,
  } = useUrlSearch(values.q, (next) => apply({ ...values, q: next }, { replace: true }));
  const query = useQuery(billingQueries.customers(settled || undefined));
  const [creating, setCreating] = useState(false);
  const router = useRouter();
  const rows = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 flex items-center justify-between gap-4">
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search by name or email"
          aria-label="Search customers"
          className="w-72 rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
          data-testid="customer-search"
        />
        {canWrite ? (
          <Button onClick={() => setCreating(true)} data-testid="new-customer">
            New customer
          </Button>
        ) : null}
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={settled ? "No customer matches" : "No customers yet"}>
          {settled
            ? "Try part of a name or an email address."
            : canWrite
              ? "Create one to subscribe it to a price or take a payment."
              : "An admin creates customers; they appear here."}
        </EmptyState>
      ) : (
        <Table head={["Customer", "Email", "Card", "Coupon", "Created"]} testId="customers-table">
          {rows.map((c) => (
            <tr
              key={c.id}
              className="relative hover:bg-slate-50"
              data-testid="customer-row"
              data-customer-id={c.id}
            >
              <Td>
                <Link
                  href={`/billing/customers/${c.id}`}
                  className="font-medium text-slate-900 after:absolute after:inset-0 hover:text-indigo-600"
                >
                  {c.name ?? c.email ?? c.id}
                </Link>
                <p className="text-xs text-slate-400">{c.id}</p>
              </Td>
              <Td>{c.email ?? "—"}</Td>
              <Td className="text-xs">{c.default_payment_method ? "on file" : "—"}</Td>
              <Td className="text-xs">{c.coupon_id ?? "—"}</Td>
              <Td className="text-xs">{date(c.created_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <NewCustomerDialog
        open={creating}
        onClose={() => setCreating(false)}
        testMode={testMode}
        onCreated={(c) => {
          setCreating(false);
          router.push(`/billing/customers/${c.id}`);
        }}
      />
    </div>
  );
}
