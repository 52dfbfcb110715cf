"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/settings/account", label: "Your account" },
  { href: "/settings/users", label: "Users & roles" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/messaging", label: "Messaging & webhooks" },
  { href: "/settings/webhooks", label: "Event webhooks" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <div className="border-b border-slate-200">
      <nav className="-mb-px flex gap-6 overflow-x-auto" aria-label="Settings">
        {TABS.map((t) => (
          <Link
            key={t.href}
            href={t.href}
            data-testid={`tab-${t.href.split("/").pop()}`}
            className={`shrink-0 border-b-2 px-1 pb-2 text-sm font-medium ${
              pathname === t.href
                ? "border-indigo-600 text-indigo-600"
                : "border-transparent text-slate-500 hover:text-slate-700"
            }`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
