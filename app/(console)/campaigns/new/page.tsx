import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { CampaignWizard } from "@/components/campaigns/wizard";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "New campaign" };

export default async function NewCampaignPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-4xl">
      <Link
        href="/campaigns"
        className="text-sm text-indigo-700 hover:underline"
        data-testid="back-to-campaigns"
      >
        ← Campaigns
      </Link>
      <div className="mt-3">
        <PageHeader
          title="New campaign"
          description="Basics, content, audience and schedule — then review, save as a draft or launch."
        />
      </div>
      <CampaignWizard userEmail={session.user.email} />
    </div>
  );
}
