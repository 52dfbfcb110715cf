import type { Permission } from "@/lib/auth/permissions";

export interface NavItem {
  href: string;
  label: string;
  permission?: Permission;
  /** Areas whose issue has not landed yet are shown, marked "soon", without a link. */
  ready: boolean;
}

/** Every area of SPEC §10, in sidebar order. */
export const NAV: NavItem[] = [
  { href: "/dashboard", label: "Dashboard", permission: "dashboards:read", ready: true },
  { href: "/providers", label: "Providers", permission: "providers:read", ready: true },
  { href: "/templates", label: "Templates", ready: true },
  { href: "/contacts", label: "Contacts", ready: true },
  { href: "/lists", label: "Lists", ready: true },
  { href: "/opt-outs", label: "Opt-outs", ready: true },
  { href: "/campaigns", label: "Campaigns", ready: true },
  { href: "/messages", label: "Messages", ready: true },
  { href: "/outbox", label: "Outbox", ready: true },
  { href: "/conversations", label: "Conversations", ready: true },
  { href: "/costs", label: "Costs", permission: "dashboards:read", ready: true },
  { href: "/reports", label: "Reports", permission: "reports:read", ready: true },
  { href: "/billing", label: "Billing", permission: "billing:read", ready: true },
  { href: "/audit", label: "Audit log", permission: "audit:read", ready: true },
  { href: "/settings", label: "Settings", ready: true },
];
