"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  {
    href: "/billing",
    label: "Customers",
    match: (p: string) => p === "/billing" || p.startsWith("/billing/customers"),
  },
  { href: "/billing/subscriptions", label: "Subscriptions" },
  { href: "/billing/invoices", label: "Invoices" },
  { href: "/billing/payments", label: "Payments" },
  { href: "/billing/coupons", label: "Coupons" },
  { href: "/billing/usage", label: "Usage" },
  { href: "/billing/settings", label: "Invoice details" },
];

export function BillingTabs() {
  const pathname = usePathname();
  return (
    <div className="border-b border-slate-200">
      <nav className="-mb-px flex flex-wrap gap-6" aria-label="Billing">
        {TABS.map((t) => {
          const active = t.match ? t.match(pathname) : pathname === t.href;
          return (
            <Link
              key={t.href}
              href={t.href}
              data-testid={`billing-tab-${t.label.toLowerCase().replace(/\s+/g, "-")}`}
              className={`border-b-2 px-1 pb-2 text-sm font-medium ${
                active
                  ? "border-indigo-600 text-indigo-600"
                  : "border-transparent text-slate-500 hover:text-slate-700"
              }`}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
