"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { MESSAGE_STATUSES } from "@/lib/db/schema/messages";
import type { Channel, MessageFilters } from "@/lib/queries/messages";

const control = "mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300";

/** A date input means a whole local day: `since` from its first millisecond, `until` to its last. */
function dayBound(value: string | undefined, end: boolean): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T${end ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const MESSAGE_FILTER_KEYS = [
  "channel",
  "status",
  "to",
  "since",
  "until",
  "campaign_id",
  "cursor",
] as const;
export type MessageFilterValues = Partial<Record<(typeof MESSAGE_FILTER_KEYS)[number], string>>;

/** The API filters for the values kept in the URL (dates are whole local days there). */
export function toMessageFilters(v: MessageFilterValues): MessageFilters {
  return {
    channel: v.channel === "email" || v.channel === "sms" ? (v.channel as Channel) : undefined,
    status: v.status,
    campaign_id: v.campaign_id,
    to: v.to,
    since: dayBound(v.since, false),
    until: dayBound(v.until, true),
  };
}

/** Status choices: each status, and the groups the dashboard links to. */
const STATUS_GROUPS = [
  { value: "sent,delivered", label: "sent or delivered" },
  { value: "failed,undelivered,bounced,rejected", label: "failed, bounced or rejected" },
];

export function MessageFiltersForm({
  values,
  onApply,
}: {
  values: MessageFilterValues;
  onApply: (values: MessageFilterValues) => void;
}) {
  const id = useId();
  const statusKnown =
    !values.status ||
    STATUS_GROUPS.some((g) => g.value === values.status) ||
    (MESSAGE_STATUSES as readonly string[]).includes(values.status);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
        // The campaign filter has no field: it comes from a link and stays until cleared. New filters start at the newest page.
        onApply({ ...f, campaign_id: values.campaign_id, cursor: undefined });
      }}
      onReset={(e) => {
        e.preventDefault();
        onApply({});
      }}
    >
      <div className="text-sm">
        <label htmlFor={`${id}-channel`} className="block text-slate-600">
          Channel
        </label>
        <select
          id={`${id}-channel`}
          name="channel"
          defaultValue={values.channel ?? ""}
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
        <select
          id={`${id}-status`}
          name="status"
          defaultValue={values.status ?? ""}
          className={`${control} pr-7`}
          data-testid="filter-status"
        >
          <option value="">Any</option>
          {STATUS_GROUPS.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
          {MESSAGE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {statusKnown ? null : <option value={values.status}>{values.status}</option>}
        </select>
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-to`} className="block text-slate-600">
          Recipient
        </label>
        <input
          id={`${id}-to`}
          name="to"
          defaultValue={values.to ?? ""}
          placeholder="Part of an email or number"
          className={control}
          data-testid="filter-to"
        />
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-since`} className="block text-slate-600">
          Since
        </label>
        <input
          id={`${id}-since`}
          type="date"
          name="since"
          defaultValue={values.since ?? ""}
          className={control}
          data-testid="filter-since"
        />
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-until`} className="block text-slate-600">
          Until
        </label>
        <input
          id={`${id}-until`}
          type="date"
          name="until"
          defaultValue={values.until ?? ""}
          className={control}
          data-testid="filter-until"
        />
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
