import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OutboxPanel } from "@/components/outbox/outbox-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Outbox"
        description="What the built-in Sandbox email and Console SMS providers delivered — nothing here left the building."
      />
      <OutboxPanel />
    </div>
  );
}
