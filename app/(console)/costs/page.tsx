import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CostsView } from "@/components/costs/costs-view";
import { PageHeader } from "@/components/ui/page-header";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Costs" };

export default async function CostsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  const role = session.active.role;
  if (!can(role, "dashboards:read")) return <Forbidden what="costs" />;
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Costs"
        description="Cost over time, budget burn, estimates against provider prices, and the providers side by side. Figures update within a minute."
      />
      <CostsView canWrite={can(role, "budgets:write")} />
    </div>
  );
}
