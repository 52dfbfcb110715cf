import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ReportDownload } from "@/components/reports/report-download";
import { SchedulesPanel } from "@/components/reports/schedules-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  if (!can(session.active.role, "reports:read")) {
    return (
      <div className="max-w-6xl">
        <PageHeader title="Reports" />
        <Forbidden what="reports" />
      </div>
    );
  }
  return (
    <div className="max-w-6xl space-y-10">
      <PageHeader
        title="Reports"
        description="Download a report as PDF, CSV or JSON, or have it emailed on a schedule. CSV exports stream every row, however many."
      />
      <ReportDownload />
      <SchedulesPanel />
    </div>
  );
}
