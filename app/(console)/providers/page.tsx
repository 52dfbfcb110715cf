import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ProvidersPanel } from "@/components/providers/providers-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Providers"
        description="Email and SMS providers in failover order, with live health."
      />
      <ProvidersPanel canWrite={can(session.active.role, "providers:write")} />
    </div>
  );
}
