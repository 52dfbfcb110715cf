import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DashboardCharts } from "@/components/dashboard/dashboard-charts";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { dashboardCounts } from "@/lib/services/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

function Stat({
  label,
  value,
  href,
  testId,
}: {
  label: string;
  value: number;
  href?: string;
  testId: string;
}) {
  const body = (
    <div className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 text-3xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value.toLocaleString()}
      </p>
    </div>
  );
  return href ? <Link href={href}>{body}</Link> : body;
}

export default async function DashboardPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  const counts = await dashboardCounts({ ctx: session.ctx });
  const admin = can(session.active.role, "users:manage");
  // The cards count the last 7 days, so their links open the log from the first of those days.
  const since = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Dashboard"
        description={`${session.active.orgName} — signed in as ${session.active.role}`}
      />
      <div className="mb-4 grid gap-4 sm:grid-cols-3">
        <Stat
          label="Messages in the last 7 days"
          value={counts.messagesLast7Days}
          href={`/messages?since=${since}`}
          testId="stat-messages"
        />
        <Stat
          label="Sent or delivered"
          value={counts.sentLast7Days}
          href={`/messages?status=sent,delivered&since=${since}`}
          testId="stat-sent"
        />
        <Stat
          label="Failed, bounced or rejected"
          value={counts.failedLast7Days}
          href={`/messages?status=failed,undelivered,bounced,rejected&since=${since}`}
          testId="stat-failed"
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Members"
          value={counts.members}
          href={admin ? "/settings/users" : undefined}
          testId="stat-members"
        />
        <Stat
          label="Active API keys"
          value={counts.activeApiKeys}
          href={admin ? "/settings/api-keys" : undefined}
          testId="stat-api-keys"
        />
        <Stat
          label="Changes in the last 7 days"
          value={counts.changesLast7Days}
          href={can(session.active.role, "audit:read") ? "/audit" : undefined}
          testId="stat-changes"
        />
      </div>
      <div className="mt-8">
        <DashboardCharts />
      </div>
      <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
        <h2 className="font-semibold text-slate-900">Next steps</h2>
        <ul className="mt-2 list-inside list-disc space-y-1">
          {admin && counts.realProviders === 0 ? (
            <li data-testid="next-step-provider">
              <Link className="text-indigo-600 hover:underline" href="/providers">
                Add an email or SMS provider
              </Link>{" "}
              (SMTP, SendGrid, SES, Mailgun, Twilio, …): until then messages only reach the built-in Outbox.
            </li>
          ) : null}
          {admin ? (
            <li>
              Create an{" "}
              <Link className="text-indigo-600 hover:underline" href="/settings/api-keys">
                API key
              </Link>{" "}
              for the systems that will send through Switchboard.
            </li>
          ) : null}
          {admin ? (
            <li>
              Invite your team in{" "}
              <Link className="text-indigo-600 hover:underline" href="/settings/users">
                Users &amp; roles
              </Link>
              .
            </li>
          ) : null}
          <li>
            The API is described at{" "}
            <a className="text-indigo-600 hover:underline" href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>
            .
          </li>
          <li>
            Send a first message from{" "}
            <Link className="text-indigo-600 hover:underline" href="/messages">
              Messages
            </Link>
            : with no provider configured it lands in the{" "}
            <Link className="text-indigo-600 hover:underline" href="/outbox">
              Outbox
            </Link>
            .
          </li>
        </ul>
      </div>
    </div>
  );
}
