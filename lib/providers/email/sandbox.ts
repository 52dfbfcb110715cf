import MailComposer from "nodemailer/lib/mail-composer";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { outbox } from "@/lib/db/schema";
import { type EmailAdapter, ProviderError } from "../types";
import { toNodemailerMessage } from "./smtp";

export const sandboxConfig = z.object({}).default({});
export const sandboxCredentials = z.object({}).default({});

/** Delivers into the in-app Outbox: the email is composed exactly as SMTP would send it. */
export const sandboxAdapter: EmailAdapter<Record<string, never>, Record<string, never>> = {
  channel: "email",
  label: "Sandbox (Outbox)",
  configSchema: sandboxConfig,
  credentialsSchema: sandboxCredentials,
  async send(ctx, message) {
    if (!ctx.orgId) throw new ProviderError("sandbox provider needs an organisation", false);
    const raw = await new MailComposer(toNodemailerMessage(message)).compile().build();
    const db = await getDb();
    const [row] = await db
      .insert(outbox)
      .values({
        orgId: ctx.orgId,
        messageId: message.id,
        providerId: ctx.providerId,
        channel: "email",
        to: [...message.to, ...(message.cc ?? [])].join(", "),
        from: message.from.name ? `${message.from.name} <${message.from.email}>` : message.from.email,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
        raw: raw.toString("utf8"),
      })
      .returning({ id: outbox.id });
    return { providerMessageId: `sandbox-${row?.id}`, response: { outbox_id: row?.id } };
  },
};
