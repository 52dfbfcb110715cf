"use client";

import { useRef } from "react";
import type { UserMembership } from "@/lib/services/auth/memberships";

export function OrgSwitcher({
  memberships,
  activeOrgId,
  action,
}: {
  memberships: UserMembership[];
  activeOrgId: string;
  action: (form: FormData) => Promise<void>;
}) {
  const form = useRef<HTMLFormElement>(null);
  if (memberships.length < 2) {
    return (
      <p className="truncate text-sm font-medium text-white" data-testid="org-name">
        {memberships[0]?.orgName}
      </p>
    );
  }
  return (
    <form ref={form} action={action}>
      <label className="sr-only" htmlFor="org-switcher">
        Organisation
      </label>
      <select
        id="org-switcher"
        name="orgId"
        defaultValue={activeOrgId}
        data-testid="org-switcher"
        onChange={() => form.current?.requestSubmit()}
        className="w-full rounded-md border-0 bg-slate-800 px-2 py-1.5 text-sm text-white ring-1 ring-slate-700"
      >
        {memberships.map((m) => (
          <option key={m.orgId} value={m.orgId}>
            {m.orgName} ({m.role})
          </option>
        ))}
      </select>
    </form>
  );
}
