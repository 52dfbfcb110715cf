import { config } from "@/lib/config";
import type { Message, Provider } from "@/lib/db/schema";
import { adapterFor } from "@/lib/providers/registry";
import {
  type AdapterContext,
  type EmailAdapter,
  type EmailMessage,
  ProviderError,
  type SendResult,
  type SmsAdapter,
  type SmsMessage,
} from "@/lib/providers/types";
import { providerCredentials } from "@/lib/services/providers/providers";
import { statusCallbackFor } from "@/lib/services/webhooks/urls";

function messageIdHeader(m: Message, p: Provider): string {
  const domain = (p.sender.email ?? "switchboard.local").split("@")[1] ?? "switchboard.local";
  return `<${m.id}@${domain}>`;
}

export function buildEmail(m: Message, p: Provider): EmailMessage {
  return {
    id: m.id,
    messageIdHeader: messageIdHeader(m, p),
    from: { email: p.sender.email ?? "no-reply@switchboard.local", name: p.sender.name },
    to: [m.to],
    cc: m.cc ?? undefined,
    bcc: m.bcc ?? undefined,
    subject: m.subject ?? "",
    html: m.html ?? undefined,
    text: m.text ?? undefined,
    headers: m.headers ?? undefined,
    attachments: m.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.content_type,
      content: Buffer.from(a.content_base64, "base64"),
    })),
  };
}

export function buildSms(m: Message, p: Provider): SmsMessage {
  return {
    id: m.id,
    to: m.to,
    from: p.sender.phone ?? p.sender.sender_id,
    body: m.body ?? "",
    mediaUrls: m.mediaUrls ?? undefined,
    statusCallbackUrl: statusCallbackFor(p, config().appUrl),
  };
}

/** Calls one provider for one message; ProviderError on failure. */
export async function callProvider(p: Provider, m: Message): Promise<SendResult> {
  const adapter = adapterFor(p.type);
  const config = adapter.configSchema.safeParse(p.config);
  const credentials = adapter.credentialsSchema.safeParse(providerCredentials(p));
  if (!config.success || !credentials.success) {
    throw new ProviderError("Provider configuration is incomplete; edit the provider", true);
  }
  const ctx: AdapterContext<unknown, unknown> = {
    orgId: p.orgId,
    providerId: p.id,
    config: config.data,
    credentials: credentials.data,
    sender: p.sender,
  };
  if (adapter.channel === "email") return (adapter as EmailAdapter).send(ctx, buildEmail(m, p));
  return (adapter as SmsAdapter).send(ctx, buildSms(m, p));
}

export function costOf(m: Message, p: Provider, result: SendResult): { cost: number; currency: string } {
  if (result.cost) return { cost: result.cost.amount, currency: result.cost.currency };
  const units = m.channel === "sms" ? (m.segments ?? 1) : 1;
  return { cost: Number((units * p.costPerUnit).toFixed(6)), currency: p.currency };
}
