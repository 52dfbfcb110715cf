import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CampaignDetail } from "@/components/campaigns/campaign-detail";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Campaign" };

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const { id } = await params;
  return <CampaignDetail id={id} userEmail={session.user.email} />;
}
