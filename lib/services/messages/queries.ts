import { and, asc, eq, gte, ilike, inArray, lte } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { messageAttempts, messageEvents, messages, outbox } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, toPage } from "@/lib/pagination";
import type { Ctx } from "@/lib/services/context";
import { previewHtml } from "@/lib/services/tracking/preview";
import type { MessageQuery } from "@/lib/validation/messages";

/** The message log, newest first, with filters and cursor paging. */
export async function listMessages({ ctx, input }: { ctx: Ctx; input: MessageQuery }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const page = keyset(messages.createdAt, messages.id, input.cursor);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.orgId, ctx.orgId),
        input.channel ? eq(messages.channel, input.channel) : undefined,
        input.status?.length ? inArray(messages.status, input.status) : undefined,
        input.campaign_id ? eq(messages.campaignId, input.campaign_id) : undefined,
        // A part of the address or number, as people search ("@acme.com", "5550142"); LIKE wildcards are literal.
        input.to ? ilike(messages.to, `%${input.to.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
        input.since ? gte(messages.createdAt, input.since) : undefined,
        input.until ? lte(messages.createdAt, input.until) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** A message of this organisation with its attempts and events, oldest first. */
export async function getMessage({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const [m] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.orgId, ctx.orgId)));
  if (!m) throw AppError.notFound("Message");
  const [attempts, events] = await Promise.all([
    db
      .select()
      .from(messageAttempts)
      .where(eq(messageAttempts.messageId, id))
      .orderBy(asc(messageAttempts.at)),
    db
      .select()
      .from(messageEvents)
      .where(eq(messageEvents.messageId, id))
      .orderBy(asc(messageEvents.at), asc(messageEvents.id)),
  ]);
  return { message: m, attempts, events };
}

/** What the sandbox and console providers delivered, newest first. */
export async function listOutbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { channel?: "email" | "sms"; limit: number; cursor?: string };
}) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const page = keyset(outbox.createdAt, outbox.id, input.cursor);
  const rows = await db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.orgId, ctx.orgId),
        input.channel ? eq(outbox.channel, input.channel) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(rows, input.limit);
  return {
    data: p.data.map((o) => ({
      id: o.id,
      message_id: o.messageId,
      channel: o.channel,
      to: o.to,
      from: o.from,
      subject: o.subject,
      // Rendered by the Outbox page: no open pixel, direct links (viewing is not opening).
      html: previewHtml(o.html),
      text: o.text,
      body: o.body,
      headers: o.headers,
      raw: o.raw,
      segments: o.segments,
      encoding: o.encoding,
      created_at: o.createdAt.toISOString(),
    })),
    next_cursor: p.nextCursor,
  };
}
