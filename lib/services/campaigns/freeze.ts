import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import {
  type Campaign,
  type Contact,
  campaigns,
  messageEvents,
  messages,
  type Template,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import { quietHoursDeferral } from "@/lib/services/messages/send";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { listProviderRows } from "@/lib/services/providers/providers";
import { timeZoneForPhone } from "@/lib/services/sms/quiet-hours";
import { countSegments, MAX_SMS_CHARACTERS } from "@/lib/services/sms/segments";
import { missingVariables, renderTemplate } from "@/lib/services/templates/render";
import { decorateEmail, unsubscribeUrl } from "@/lib/services/tracking/links";
import { audienceWhere, streamAudience } from "./audience";
import { atLocalWallTime } from "./local-time";

type NewMessage = typeof messages.$inferInsert;

/** Variables a campaign template sees for one contact (SPEC §6). */
export function contactVariables(
  c: Contact,
  unsubscribe: string,
  organisation: string,
): Record<string, unknown> {
  return {
    organisation,
    ...c.attributes,
    name: c.name,
    email: c.email,
    phone: c.phone,
    timezone: c.timezone,
    locale: c.locale,
    unsubscribe_url: unsubscribe,
  };
}

function rejected(base: NewMessage, reason: string, detail: string): NewMessage {
  return { ...base, status: "rejected", error: `${reason}: ${detail}`, scheduledAt: null };
}

function buildRow(
  organisation: string,
  campaign: Campaign,
  template: Template,
  contact: Contact,
  consent: (a: string, c: string) => { ok: boolean; code?: string; reason?: string },
  price: { cost: number; currency: string } | null,
  now: Date,
): NewMessage {
  const id = randomUUID();
  const to = (campaign.channel === "email" ? contact.email : contact.phone) as string;
  const base: NewMessage = {
    id,
    orgId: campaign.orgId,
    channel: campaign.channel,
    status: "queued",
    to,
    category: campaign.category,
    templateId: template.id,
    templateVersion: template.version,
    campaignId: campaign.id,
    contactId: contact.id,
  };
  const verdict = consent(to, campaign.category);
  if (!verdict.ok) return rejected(base, verdict.code ?? "opted_out", verdict.reason ?? "opted out");
  const unsub = unsubscribeUrl({
    id,
    orgId: campaign.orgId,
    to,
    channel: campaign.channel,
    category: campaign.category,
  });
  const variables = contactVariables(contact, unsub, organisation);
  const parts =
    campaign.channel === "email"
      ? { subject: template.subject, html: template.html, text: template.text }
      : { body: template.body };
  const missing = missingVariables(parts, variables);
  if (missing.length) return rejected(base, "missing_variables", missing.join(", "));
  const r = renderTemplate(parts, variables);
  // Timing comes after consent: send_at (optionally as local wall time), then quiet hours.
  let at: Date | null = campaign.sendAt && campaign.sendAt > now ? campaign.sendAt : null;
  if (campaign.localTime && campaign.sendAt) {
    const tz = contact.timezone ?? (contact.phone ? timeZoneForPhone(contact.phone) : "UTC");
    const local = atLocalWallTime(campaign.sendAt, tz);
    at = local > now ? local : null;
  }
  const deferred = quietHoursDeferral(campaign.channel, campaign.category, to, at ?? now);
  at = deferred ?? at;
  const timing = { status: at ? ("scheduled" as const) : ("queued" as const), scheduledAt: at };
  if (campaign.channel === "sms") {
    const body = r.body ?? "";
    if ([...body].length > MAX_SMS_CHARACTERS)
      return rejected(base, "message_too_long", `${[...body].length} characters`);
    const { segments, encoding } = countSegments(body);
    return {
      ...base,
      ...timing,
      body,
      segments,
      encoding,
      estimatedCost: price ? Number((segments * price.cost).toFixed(6)) : null,
      currency: price?.currency ?? null,
    };
  }
  const tracked = decorateEmail({
    id,
    orgId: campaign.orgId,
    to,
    category: campaign.category,
    html: r.html ?? null,
    text: r.text ?? null,
  });
  return {
    ...base,
    ...timing,
    subject: r.subject ?? "",
    html: tracked.html,
    text: tracked.text,
    headers: Object.keys(tracked.headers).length ? tracked.headers : null,
    estimatedCost: price?.cost ?? null,
    currency: price?.currency ?? null,
  };
}

/**
 * Freezes the audience into one message row per recipient, rendered for that
 * recipient, a page at a time (flat memory). The unique (campaign, contact)
 * constraint makes a re-run after a crash add only the rows still missing.
 * Opted-out and suppressed recipients become `rejected` rows with the reason.
 */
export async function freezeAudience(campaignId: string, pageSize = 1000): Promise<{ targeted: number }> {
  const db = await getDb();
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) throw AppError.notFound("Campaign");
  if (!campaign.templateId)
    throw new AppError("template_missing", "The campaign has no template", undefined, 422);
  const { templates } = await import("@/lib/db/schema");
  const [template] = await db.select().from(templates).where(eq(templates.id, campaign.templateId));
  if (!template)
    throw new AppError("template_missing", "The campaign's template was deleted", undefined, 422);
  const org = await getOrganisation(db, campaign.orgId);
  const provider = (await listProviderRows(db, campaign.orgId, campaign.channel)).find((p) => p.enabled);
  const price = provider ? { cost: provider.costPerUnit, currency: provider.currency } : null;
  const now = new Date();
  for await (const page of streamAudience(
    db,
    campaign.orgId,
    campaign.channel,
    campaign.audience,
    pageSize,
  )) {
    const addresses = page.map((c) => (campaign.channel === "email" ? c.email : c.phone) as string);
    const consent = await consentChecker(db, campaign.orgId, campaign.channel, addresses);
    const rows = page.map((c) => buildRow(org.name, campaign, template, c, consent, price, now));
    await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(messages)
        .values(rows)
        .onConflictDoNothing()
        .returning({ id: messages.id, status: messages.status, error: messages.error });
      if (inserted.length) {
        await tx.insert(messageEvents).values(
          inserted.map((m) => ({
            orgId: campaign.orgId,
            messageId: m.id,
            type: m.status,
            data: m.status === "rejected" ? { reason: m.error } : { campaign_id: campaign.id },
          })),
        );
      }
    });
  }
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(eq(messages.campaignId, campaignId)));
  const targeted = row?.n ?? 0;
  await db.update(campaigns).set({ targeted }).where(eq(campaigns.id, campaignId));
  return { targeted };
}

export { audienceWhere };
