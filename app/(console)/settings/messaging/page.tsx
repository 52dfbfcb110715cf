import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { KeywordRepliesForm } from "@/components/settings/keyword-replies-form";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { getSettings } from "@/lib/services/orgs/settings";
import { listProviders } from "@/lib/services/providers/providers";
import { DEFAULT_REPLIES } from "@/lib/services/webhooks/inbound";
import { webhookUrls } from "@/lib/services/webhooks/urls";
import { toSettingsJson } from "@/lib/validation/settings";

export const metadata: Metadata = { title: "Messaging settings" };

export default async function MessagingSettingsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  if (!can(session.active.role, "providers:write")) return <Forbidden what="messaging settings" />;
  const [org, providers] = await Promise.all([
    getSettings({ ctx: session.ctx }),
    listProviders({ ctx: session.ctx }),
  ]);
  const withUrls = providers
    .map((d) => ({ provider: d.provider, urls: webhookUrls(d.provider) }))
    .filter((p) => p.urls.length > 0);
  return (
    <div className="space-y-10">
      <section>
        <h2 className="text-base font-semibold text-slate-900">Webhook URLs</h2>
        <p className="mt-1 text-sm text-slate-500">
          Paste these into each provider's console so Switchboard learns about deliveries, bounces, complaints
          and replies. Each URL names one provider, whose own secret verifies the signature.
        </p>
        {withUrls.length === 0 ? (
          <p
            className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-500"
            data-testid="no-webhooks"
          >
            No provider that sends webhooks yet. Add Twilio, SendGrid, SES, Mailgun, Vonage, Africa's Talking
            or MessageBird on the Providers page.
          </p>
        ) : (
          <div className="mt-4 space-y-3">
            {withUrls.map(({ provider, urls }) => (
              <div
                key={provider.id}
                className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
                data-testid={`webhooks-${provider.name}`}
              >
                <p className="text-sm font-medium text-slate-900">
                  {provider.name} <span className="text-xs text-slate-500">({provider.type})</span>
                </p>
                {urls.map((u) => (
                  <div key={u.url} className="mt-2">
                    <p className="text-xs text-slate-500">{u.purpose}</p>
                    <code
                      className="block break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-800 ring-1 ring-slate-200"
                      data-testid="webhook-url"
                    >
                      {u.url}
                    </code>
                  </div>
                ))}
              </div>
            ))}
          </div>
        )}
      </section>
      <section className="max-w-2xl">
        <h2 className="text-base font-semibold text-slate-900">SMS keywords and numbers</h2>
        <p className="mt-1 mb-4 text-sm text-slate-500">
          A reply that is only a keyword (any case, surrounding spaces ignored) opts the number out, back in,
          or asks for help; the reply below is sent back.
        </p>
        <KeywordRepliesForm initial={toSettingsJson(org, DEFAULT_REPLIES)} />
      </section>
    </div>
  );
}
