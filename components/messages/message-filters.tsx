"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { MESSAGE_STATUSES, type MessageStatus } from "@/lib/db/schema/messages";
import type { Channel, MessageFilters } from "@/lib/queries/messages";

const control = "mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300";

/** A date input means a whole local day: `since` from its first millisecond, `until` to its last. */
function dayBound(value: string, end: boolean): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T${end ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function MessageFiltersForm({ onApply }: { onApply: (filters: MessageFilters) => void }) {
  const id = useId();
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
        onApply({
          channel: (f.channel || undefined) as Channel | undefined,
          status: (f.status || undefined) as MessageStatus | undefined,
          to: f.to?.trim() || undefined,
          since: dayBound(f.since ?? "", false),
          until: dayBound(f.until ?? "", true),
        });
      }}
      onReset={() => onApply({})}
    >
      <div className="text-sm">
        <label htmlFor={`${id}-channel`} className="block text-slate-600">
          Channel
        </label>
        <select
          id={`${id}-channel`}
          name="channel"
          className={`${control} pr-7`}
          data-testid="filter-channel"
        >
          <option value="">Any</option>
          <option value="email">Email</option>
          <option value="sms">SMS</option>
        </select>
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-status`} className="block text-slate-600">
          Status
        </label>
        <select id={`${id}-status`} name="status" className={`${control} pr-7`} data-testid="filter-status">
          <option value="">Any</option>
          {MESSAGE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-to`} className="block text-slate-600">
          Recipient
        </label>
        <input
          id={`${id}-to`}
          name="to"
          placeholder="Exact email or +E.164 number"
          className={control}
          data-testid="filter-to"
        />
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-since`} className="block text-slate-600">
          Since
        </label>
        <input id={`${id}-since`} type="date" name="since" className={control} data-testid="filter-since" />
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-until`} className="block text-slate-600">
          Until
        </label>
        <input id={`${id}-until`} type="date" name="until" className={control} data-testid="filter-until" />
      </div>
      <Button type="submit" variant="secondary" data-testid="filter-apply">
        Filter
      </Button>
      <Button type="reset" variant="ghost" data-testid="filter-reset">
        Clear
      </Button>
    </form>
  );
}
