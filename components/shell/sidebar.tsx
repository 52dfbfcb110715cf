"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { NavItem } from "@/lib/navigation";

export function Sidebar({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav className="space-y-0.5" aria-label="Main" data-testid="nav">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        if (!item.ready) {
          return (
            <span
              key={item.href}
              className="flex items-center justify-between rounded-md px-3 py-1.5 text-sm text-slate-400"
              title="Coming in a later release"
            >
              {item.label}
              <span className="rounded bg-slate-800 px-1.5 text-[10px] uppercase tracking-wide text-slate-400">
                soon
              </span>
            </span>
          );
        }
        return (
          <Link
            key={item.href}
            href={item.href}
            data-testid={`nav-${item.href.slice(1)}`}
            className={`block rounded-md px-3 py-1.5 text-sm font-medium ${
              active ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800/60 hover:text-white"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
