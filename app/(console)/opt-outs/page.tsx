import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OptOutsPanel } from "@/components/opt-outs/opt-outs-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Opt-outs" };

export default async function OptOutsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Opt-outs"
        description="Who must not be contacted, on which channel and for which category — checked before every send."
      />
      <OptOutsPanel />
    </div>
  );
}
