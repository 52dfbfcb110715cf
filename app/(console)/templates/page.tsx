import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TemplatesList } from "@/components/templates/templates-list";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Templates" };

// Every role holds "content:write", so there is no Forbidden branch here.
export default async function TemplatesPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Templates"
        description="Reusable email and SMS content with {{variables}}. Every save keeps a version."
      />
      <TemplatesList />
    </div>
  );
}
