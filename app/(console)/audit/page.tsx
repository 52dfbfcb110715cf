import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/ui/page-header";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Audit log"
        description="Every change made by a person or an API key, with secrets redacted."
      />
      {can(session.active.role, "audit:read") ? <AuditLog /> : <Forbidden what="the audit log" />}
    </div>
  );
}
