import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ListsPanel } from "@/components/lists/lists-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Lists" };

export default async function ListsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Lists"
        description="Groups of contacts that campaigns send to. Import a CSV into a list from the Contacts page."
      />
      <ListsPanel />
    </div>
  );
}
