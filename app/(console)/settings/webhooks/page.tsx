import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Forbidden } from "@/components/ui/states";
import { WebhooksPanel } from "@/components/webhooks/webhooks-panel";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  if (!can(session.active.role, "webhooks:manage")) return <Forbidden what="outgoing webhooks" />;
  return <WebhooksPanel />;
}
