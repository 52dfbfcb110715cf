import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleFrame } from "@/components/shell/console-frame";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { Sidebar } from "@/components/shell/sidebar";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { NAV } from "@/lib/navigation";
import { signOutAction, switchOrganisation } from "./actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const items = NAV.filter((i) => !i.permission || can(session.active.role, i.permission));
  const sidebar = (
    <>
      <div className="mb-4 flex items-center gap-2 px-2">
        <div className="flex h-7 w-7 items-center justify-center rounded-md bg-indigo-500 text-sm font-bold text-white">
          S
        </div>
        <span className="text-sm font-semibold text-white">Switchboard</span>
      </div>
      <div className="mb-4 px-1">
        <OrgSwitcher
          memberships={session.memberships}
          activeOrgId={session.active.orgId}
          action={switchOrganisation}
        />
      </div>
      <Sidebar items={items} />
      <div className="mt-auto border-t border-slate-800 px-2 pt-3">
        <p className="truncate text-xs text-slate-300" data-testid="current-user">
          {session.user.email}
        </p>
        <p className="text-xs text-slate-500" data-testid="current-role">
          {session.active.role}
        </p>
        <form action={signOutAction}>
          <button
            type="submit"
            className="mt-2 text-xs text-slate-400 hover:text-white"
            data-testid="sign-out"
          >
            Sign out
          </button>
        </form>
      </div>
    </>
  );
  return <ConsoleFrame sidebar={sidebar}>{children}</ConsoleFrame>;
}
