import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db";
import { type Campaign, type Contact, campaigns, messages, type Template, templates } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import {
  type Consent,
  composeMessage,
  MessageRefused,
  type QuietHoursContext,
  quietHoursDeferral,
  quietWindowOf,
} from "@/lib/services/messages/compose";
import { addMessageEvents } from "@/lib/services/messages/events";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { listProviderRows } from "@/lib/services/providers/providers";
import { quietHoursNote, recipientZones } from "@/lib/services/sms/recipient-zone";
import { unsubscribeUrl } from "@/lib/services/tracking/links";
import { audienceWhere, streamAudience } from "./audience";
import { insertMessagesBulk } from "./bulk-insert";
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

export interface Built {
  row: NewMessage;
  /** Why the recipient's message waits for their morning (recorded on its event). */
  quietHours?: Record<string, unknown>;
}

function rejected(base: NewMessage, reason: string, detail: string): Built {
  return { row: { ...base, status: "rejected", error: `${reason}: ${detail}`, scheduledAt: null } };
}

/** The zones whose wall clock a local-time schedule follows for this contact. */
function scheduleZones(contact: Pick<Contact, "phone" | "timezone">): string[] {
  if (contact.phone) return recipientZones(contact.phone, contact.timezone).zones;
  return [contact.timezone ?? "UTC"];
}

/** When one campaign recipient's message is to go before quiet hours: send_at, optionally as the wall time in the recipient's zone. Null: now. */
function recipientSendAt(
  campaign: Pick<Campaign, "sendAt" | "localTime">,
  contact: Pick<Contact, "phone" | "timezone">,
  now: Date,
): Date | null {
  if (campaign.localTime && campaign.sendAt) {
    // Where a number spans several zones, the latest of their wall times: it is then that time or later everywhere.
    const sendAt = campaign.sendAt;
    const local = Math.max(...scheduleZones(contact).map((tz) => atLocalWallTime(sendAt, tz).getTime()));
    return local > now.getTime() ? new Date(local) : null;
  }
  return campaign.sendAt && campaign.sendAt > now ? campaign.sendAt : null;
}

/**
 * When one campaign recipient's message goes: send_at (optionally as the wall time
 * in the recipient's zone), then quiet hours for marketing SMS. Null: now.
 */
export function recipientSchedule(
  campaign: Pick<Campaign, "channel" | "category" | "sendAt" | "localTime">,
  contact: Pick<Contact, "phone" | "timezone">,
  to: string,
  now: Date,
  window: QuietHoursContext["window"],
): { at: Date | null; quietHours?: Record<string, unknown> } {
  const at = recipientSendAt(campaign, contact, now);
  const deferred = quietHoursDeferral(campaign.channel, campaign.category, to, at ?? now, {
    contactTimeZone: contact.timezone,
    window,
  });
  return deferred ? { at: deferred.until, quietHours: quietHoursNote(deferred) } : { at };
}

/** The campaign fields a recipient's message is built from. */
export type CampaignShape = Pick<Campaign, "id" | "orgId" | "channel" | "category" | "sendAt" | "localTime">;

/**
 * One recipient's message row (or its rejection with the reason), exactly as
 * launch writes it: built by the message composer, like every API send.
 */
export function buildRow(
  organisation: string,
  campaign: CampaignShape,
  template: Template,
  contact: Contact,
  consent: Consent,
  price: { cost: number; currency: string } | null,
  now: Date,
  window: QuietHoursContext["window"],
): Built {
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
  // Consent first: no unsubscribe link is signed for a recipient who will not get the message.
  const verdict = consent(to, campaign.category);
  if (!verdict.ok) return rejected(base, verdict.code, verdict.reason);
  const unsub = unsubscribeUrl({
    id,
    orgId: campaign.orgId,
    to,
    channel: campaign.channel,
    category: campaign.category,
  });
  try {
    const composed = composeMessage({
      id,
      orgId: campaign.orgId,
      channel: campaign.channel,
      to,
      category: campaign.category,
      template,
      variables: contactVariables(contact, unsub, organisation),
      consent,
      price,
      at: recipientSendAt(campaign, contact, now),
      now,
      quiet: { contactTimeZone: contact.timezone, window },
    });
    return {
      row: { ...composed.row, campaignId: campaign.id, contactId: contact.id },
      quietHours: composed.quietHours,
    };
  } catch (e) {
    if (e instanceof MessageRefused) return rejected(base, e.code, e.detail);
    throw e;
  }
}

/** What every recipient's row of one campaign is built with: organisation name, price, clock, quiet window. */
export async function freezeSetup(db: Executor, campaign: Campaign) {
  const org = await getOrganisation(db, campaign.orgId);
  const provider = (await listProviderRows(db, campaign.orgId, campaign.channel)).find((p) => p.enabled);
  const price = provider ? { cost: provider.costPerUnit, currency: provider.currency } : null;
  return { organisation: org.name, price, now: new Date(), window: quietWindowOf(org) };
}
export type FreezeSetup = Awaited<ReturnType<typeof freezeSetup>>;

/** The consent verdicts for one page of contacts. */
export function pageConsent(db: Executor, campaign: Campaign, page: Contact[]) {
  const addresses = page.map((c) => (campaign.channel === "email" ? c.email : c.phone) as string);
  return consentChecker(db, campaign.orgId, campaign.channel, addresses);
}

/** Writes one page of built rows and their events in bulk (a constant number of statements), on the caller's executor. */
export async function writeBuiltRows(tx: Executor, campaign: Campaign, built: Built[]): Promise<void> {
  const notes = new Map(built.flatMap((b) => (b.quietHours && b.row.id ? [[b.row.id, b.quietHours]] : [])));
  const inserted = await insertMessagesBulk(
    tx,
    built.map((b) => b.row),
  );
  await addMessageEvents(
    tx,
    inserted.map((m) => ({
      orgId: campaign.orgId,
      messageId: m.id,
      type: m.status,
      data:
        m.status === "rejected"
          ? { reason: m.error }
          : { campaign_id: campaign.id, ...(notes.has(m.id) ? { quiet_hours: notes.get(m.id) } : {}) },
    })),
  );
}

/** The campaign's template row, or a 422 naming what is missing. */
export async function campaignTemplate(db: Executor, templateId: string | null): Promise<Template> {
  if (!templateId) throw new AppError("template_missing", "The campaign has no template", undefined, 422);
  const [template] = await db.select().from(templates).where(eq(templates.id, templateId));
  if (!template)
    throw new AppError("template_missing", "The campaign's template was deleted", undefined, 422);
  return template;
}

/**
 * Freezes the audience into one message row per recipient, rendered for that
 * recipient, a page at a time (flat memory), each page in one multi-row insert
 * with its events in bulk. The unique (campaign, contact)
 * constraint makes a re-run after a crash add only the rows still missing.
 * Opted-out and suppressed recipients become `rejected` rows with the reason.
 */
export async function freezeAudience(campaignId: string, pageSize = 2000): Promise<{ targeted: number }> {
  const db = await getDb();
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) throw AppError.notFound("Campaign");
  const template = await campaignTemplate(db, campaign.templateId);
  const { organisation, price, now, window } = await freezeSetup(db, campaign);
  // A page is read and rendered while the previous one is being written: the
  // rendering (JavaScript) and the writing (the database) overlap.
  let writing: Promise<void> | null = null;
  try {
    for await (const page of streamAudience(
      db,
      campaign.orgId,
      campaign.channel,
      campaign.audience,
      pageSize,
    )) {
      const consent = await pageConsent(db, campaign, page);
      const built = page.map((c) =>
        buildRow(organisation, campaign, template, c, consent, price, now, window),
      );
      if (writing) await writing;
      writing = db.transaction((tx) => writeBuiltRows(tx, campaign, built));
      // Observed here so a failure while the next page is read is not reported as unhandled.
      writing.catch(() => {});
    }
  } finally {
    if (writing) await writing;
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
