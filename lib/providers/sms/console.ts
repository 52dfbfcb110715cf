import { z } from "zod";
import { getDb } from "@/lib/db";
import { outbox } from "@/lib/db/schema";
import { countSegments } from "@/lib/services/sms/segments";
import { ProviderError, type SmsAdapter } from "../types";

export const consoleConfig = z.object({}).default({});
export const consoleCredentials = z.object({}).default({});

/** Delivers SMS into the in-app Outbox (and the server log), with segments as a carrier would count them. */
export const consoleAdapter: SmsAdapter<Record<string, never>, Record<string, never>> = {
  channel: "sms",
  label: "Console (Outbox)",
  supportsMms: true,
  configSchema: consoleConfig,
  credentialsSchema: consoleCredentials,
  async send(ctx, message) {
    if (!ctx.orgId) throw new ProviderError("console provider needs an organisation", false);
    const { segments, encoding } = countSegments(message.body);
    const db = await getDb();
    const [row] = await db
      .insert(outbox)
      .values({
        orgId: ctx.orgId,
        messageId: message.id,
        providerId: ctx.providerId,
        channel: "sms",
        to: message.to,
        from: message.from ?? ctx.sender.phone ?? ctx.sender.sender_id ?? null,
        body: message.body,
        headers: message.mediaUrls?.length ? { "media-urls": message.mediaUrls.join(" ") } : null,
        segments,
        encoding,
      })
      .returning({ id: outbox.id });
    return { providerMessageId: `console-${row?.id}`, response: { outbox_id: row?.id, segments, encoding } };
  },
};
