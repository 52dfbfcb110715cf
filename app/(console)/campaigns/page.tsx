import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CampaignsList } from "@/components/campaigns/campaigns-list";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Campaigns" };

export default async function CampaignsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Campaigns"
        description="Email and SMS campaigns to lists and segments of your contacts, with live progress."
      />
      <CampaignsList />
    </div>
  );
}
