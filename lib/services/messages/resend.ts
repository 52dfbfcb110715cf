import { and, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type Message, messages } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { getCampaignInOrg } from "@/lib/services/campaigns/campaigns";
import type { Ctx } from "@/lib/services/context";
import { previewHtml } from "@/lib/services/tracking/preview";
import { sendEmail, sendSms } from "./send";

/** The statuses a message may be resent from (SPEC §4). */
export const RESENDABLE = ["failed", "undelivered", "bounced"] as const;

// The stored HTML carries the original's open pixel, click links and unsubscribe
// footer; the resend gets its own from the normal send path.
const FOOTER =
  /<p style="margin-top:24px;font-size:12px;color:#64748b">Don't want these emails\? <a [^>]*data-switchboard="unsubscribe"[^>]*>Unsubscribe<\/a>\.<\/p>/g;
const TEXT_FOOTER = /\n\nUnsubscribe: \S+\n$/;

function undecoratedHtml(html: string | null): string | undefined {
  return previewHtml(html)?.replace(FOOTER, "") ?? undefined;
}

/** The same content to the same recipients, through the normal send path (consent, price, quiet hours). */
async function resendOne(ctx: Ctx, m: Message) {
  const common = { category: m.category, ...(m.metadata ? { metadata: m.metadata } : {}) };
  if (m.channel === "email") {
    return sendEmail({
      ctx,
      resentFrom: m.id,
      input: {
        to: m.to,
        ...(m.cc?.length ? { cc: m.cc } : {}),
        ...(m.bcc?.length ? { bcc: m.bcc } : {}),
        subject: m.subject ?? "",
        ...(m.html !== null ? { html: undecoratedHtml(m.html) } : {}),
        ...(m.text !== null ? { text: m.text.replace(TEXT_FOOTER, "") } : {}),
        ...(m.attachments?.length ? { attachments: m.attachments } : {}),
        ...common,
      },
    });
  }
  return sendSms({
    ctx,
    resentFrom: m.id,
    input: {
      to: m.to,
      message: m.body ?? "",
      ...(m.mediaUrls?.length ? { media_urls: m.mediaUrls } : {}),
      ...common,
    },
  });
}

function assertResendable(m: Message): void {
  if (m.direction !== "outbound" || !(RESENDABLE as readonly string[]).includes(m.status)) {
    throw new AppError(
      "not_resendable",
      `Only a failed, undelivered or bounced message can be resent; this one is ${m.status}`,
      undefined,
      422,
    );
  }
}

/** Sends a failed message again as a new message with resent_from; consent is checked again. Once per original. */
export async function resendMessage({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const [m] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.orgId, ctx.orgId)));
  if (!m) throw AppError.notFound("Message");
  assertResendable(m);
  const [already] = await db.select({ id: messages.id }).from(messages).where(eq(messages.resentFrom, id));
  if (already)
    throw AppError.conflict(`This message was already resent as ${already.id}`, { resent_as: already.id });
  return resendOne(ctx, m);
}

/**
 * Resends the failed and undelivered messages of a completed campaign, each
 * once: an original that already has a resend is skipped, so a second call
 * queues none. Recipients who opted out since are skipped too (not queued).
 */
export async function resendCampaignFailures({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const campaign = await getCampaignInOrg(db, ctx, id);
  if (campaign.status !== "completed")
    throw new AppError(
      "campaign_not_completed",
      `Only a completed campaign's failures can be resent; this one is ${campaign.status}`,
      undefined,
      422,
    );
  const resend = alias(messages, "resend");
  const originals = await db
    .select({ m: messages })
    .from(messages)
    .leftJoin(resend, eq(resend.resentFrom, messages.id))
    .where(
      and(
        eq(messages.orgId, ctx.orgId),
        eq(messages.campaignId, id),
        inArray(messages.status, ["failed", "undelivered"]),
        isNull(resend.id),
      ),
    );
  let queued = 0;
  let skipped = 0;
  for (const { m } of originals) {
    try {
      await resendOne(ctx, m);
      queued++;
    } catch (e) {
      // A recipient now opted out or suppressed, or resent meanwhile: not queued, the rest go ahead.
      if (isAppError(e) && (e.status === 422 || e.status === 409)) skipped++;
      else throw e;
    }
  }
  return { queued, skipped };
}
