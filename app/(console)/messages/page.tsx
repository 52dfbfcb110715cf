import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MessagesLog } from "@/components/messages/messages-log";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Messages" };

export default async function MessagesPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Messages"
        description="Every email and SMS sent by this organisation, with its delivery status as providers report it."
      />
      <MessagesLog />
    </div>
  );
}
