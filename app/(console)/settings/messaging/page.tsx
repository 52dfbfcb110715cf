import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { RetentionForm } from "@/components/reports/retention-form";
import { KeywordRepliesForm } from "@/components/settings/keyword-replies-form";
import { ProviderWebhookUrls } from "@/components/settings/webhook-urls";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { unreachableBase } from "@/lib/format/urls";
import { adapterFor } from "@/lib/providers/registry";
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
    .map((d) => ({
      provider: d.provider,
      urls: webhookUrls(d.provider),
      rotatable: Boolean(adapterFor(d.provider.type).webhook?.callbackToken),
    }))
    .filter((p) => p.urls.length > 0);
  return (
    <div className="space-y-10">
      <section>
        <h2 className="text-base font-semibold text-slate-900">Webhook URLs</h2>
        <p className="mt-1 text-sm text-slate-500">
          Paste these into each provider's console so Switchboard learns about deliveries, bounces, complaints
          and replies. Each URL names one provider, whose own secret verifies the signature.
        </p>
        {withUrls[0]?.urls[0] && unreachableBase(withUrls[0].urls[0].url) ? (
          <p
            className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
            data-testid="webhook-unreachable"
          >
            These URLs point at {new URL(withUrls[0].urls[0].url).host}, which a provider on the internet
            cannot reach. Set <code>APP_URL</code> to this server's public https address (or use a tunnel
            while testing) and restart; the URLs follow it.
          </p>
        ) : null}
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
            {withUrls.map(({ provider, urls, rotatable }) => (
              <div
                key={provider.id}
                className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
                data-testid={`webhooks-${provider.name}`}
              >
                <p className="text-sm font-medium text-slate-900">
                  {provider.name} <span className="text-xs text-slate-500">({provider.type})</span>
                </p>
                <ProviderWebhookUrls providerId={provider.id} initial={urls} rotatable={rotatable} />
              </div>
            ))}
          </div>
        )}
      </section>
      <section className="max-w-2xl">
        <h2 className="text-base font-semibold text-slate-900">SMS numbers, quiet hours and keywords</h2>
        <p className="mt-1 mb-4 text-sm text-slate-500">
          A reply that is only a keyword (any case, surrounding spaces ignored) opts the number out, back in,
          or asks for help; the reply below is sent back.
        </p>
        <KeywordRepliesForm initial={toSettingsJson(org, DEFAULT_REPLIES)} />
      </section>
      <section className="max-w-2xl">
        <h2 className="text-base font-semibold text-slate-900">Data retention</h2>
        <p className="mt-1 mb-4 text-sm text-slate-500">
          Generated report files are deleted after 90 days. Message bodies are kept until you set a limit.
        </p>
        <RetentionForm initial={org.retentionDays} />
      </section>
    </div>
  );
}
