import { and, asc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import {
  auditLog,
  type Contact,
  contacts,
  listMembers,
  lists,
  messageAttempts,
  messageEvents,
  messages,
  optOuts,
  outbox,
  suppressions,
  webhookEvents,
} from "@/lib/db/schema";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { toOptOutJson, toSuppressionJson } from "@/lib/validation/consent";
import { toContactJson } from "@/lib/validation/contacts";
import { toMessageDetailJson } from "@/lib/validation/messages";
import { getContactInOrg } from "./contacts";

/** What a blanked message's recipient reads as. */
export const ERASED = "[erased]";

/** The contact's messages: linked by contact_id, sent to its email or phone, or received from its phone. */
function messagesOf(ctx: Ctx, c: Contact): SQL {
  const addresses = [c.email, c.phone].filter((a): a is string => Boolean(a));
  return and(
    eq(messages.orgId, ctx.orgId),
    or(
      eq(messages.contactId, c.id),
      addresses.length ? inArray(sql`lower(${messages.to})`, addresses) : undefined,
      c.phone ? and(eq(messages.direction, "inbound"), eq(messages.from, c.phone)) : undefined,
    ),
  ) as SQL;
}

/** Ids of the organisation's messages linked to the contact, as a subquery. */
const linkedMessageIds = (ctx: Ctx, id: string) =>
  sql`(select ${messages.id} from ${messages} where ${messages.orgId} = ${ctx.orgId} and ${messages.contactId} = ${id})`;

/**
 * GDPR erase: blanks the contact's personal fields (the row stays, marked
 * erased, so counts remain), blanks recipient, bodies, subject, variables and
 * metadata of its messages (statuses, costs and events stay for anonymous
 * statistics), removes it from lists and scrubs earlier audit entries' values.
 * Opt-outs and suppressions of its addresses are kept: they are what prevents
 * contacting the person again.
 */
export async function eraseContact({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const c = await getContactInOrg(tx, ctx, id);
    const erased = await tx
      .update(messages)
      .set({
        contactId: id,
        to: ERASED,
        from: sql`case when ${messages.direction} = 'inbound' then null else ${messages.from} end`,
        cc: null,
        bcc: null,
        subject: null,
        html: null,
        text: null,
        body: null,
        variables: null,
        mediaUrls: null,
        attachments: null,
        headers: null,
        metadata: null,
      })
      .where(messagesOf(ctx, c))
      .returning({ id: messages.id });
    const linked = linkedMessageIds(ctx, id);
    await tx
      .update(outbox)
      .set({ to: ERASED, subject: null, html: null, text: null, body: null, raw: null, headers: null })
      .where(and(eq(outbox.orgId, ctx.orgId), sql`${outbox.messageId} in ${linked}`));
    await tx
      .update(messageEvents)
      .set({ data: null })
      .where(and(eq(messageEvents.orgId, ctx.orgId), sql`${messageEvents.messageId} in ${linked}`));
    await tx
      .update(messageAttempts)
      .set({ response: null })
      .where(and(eq(messageAttempts.orgId, ctx.orgId), sql`${messageAttempts.messageId} in ${linked}`));
    await tx
      .update(webhookEvents)
      .set({ payload: { erased: true } })
      .where(and(eq(webhookEvents.orgId, ctx.orgId), sql`${webhookEvents.messageId} in ${linked}`));
    const memberships = await tx
      .delete(listMembers)
      .where(eq(listMembers.contactId, id))
      .returning({ listId: listMembers.listId });
    await tx
      .update(auditLog)
      .set({ changes: { erased: true } })
      .where(
        and(eq(auditLog.orgId, ctx.orgId), eq(auditLog.resourceType, "contact"), eq(auditLog.resourceId, id)),
      );
    const [row] = await tx
      .update(contacts)
      .set({
        email: null,
        phone: null,
        name: null,
        timezone: null,
        locale: null,
        attributes: {},
        erasedAt: c.erasedAt ?? new Date(),
      })
      .where(eq(contacts.id, id))
      .returning();
    const erasedAt = row?.erasedAt ?? new Date();
    await recordAudit(tx, ctx, {
      action: "contact.erased",
      resourceType: "contact",
      resourceId: id,
      changes: { messages_erased: erased.length, memberships_removed: memberships.length },
    });
    return {
      id,
      erased_at: erasedAt.toISOString(),
      messages_erased: erased.length,
      memberships_removed: memberships.length,
    };
  });
}

async function inChunks<T>(ids: string[], fn: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await fn(ids.slice(i, i + 1000))));
  return out;
}

async function messagesWithHistory(db: Executor, ctx: Ctx, c: Contact) {
  const rows = await db.select().from(messages).where(messagesOf(ctx, c)).orderBy(asc(messages.createdAt));
  const ids = rows.map((m) => m.id);
  const attempts = await inChunks(ids, (chunk) =>
    db
      .select()
      .from(messageAttempts)
      .where(inArray(messageAttempts.messageId, chunk))
      .orderBy(asc(messageAttempts.at)),
  );
  const events = await inChunks(ids, (chunk) =>
    db
      .select()
      .from(messageEvents)
      .where(inArray(messageEvents.messageId, chunk))
      .orderBy(asc(messageEvents.at)),
  );
  return rows.map((m) => ({
    ...toMessageDetailJson(
      m,
      attempts.filter((a) => a.messageId === m.id),
      events.filter((e) => e.messageId === m.id),
    ),
    direction: m.direction,
    variables: m.variables,
  }));
}

/** GDPR export: everything held about the contact — its fields, lists, opt-outs, suppressions and messages with their events. */
export async function exportContact({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const c = await getContactInOrg(db, ctx, id);
  const memberships = await db
    .select({ id: lists.id, name: lists.name, addedAt: listMembers.createdAt })
    .from(listMembers)
    .innerJoin(lists, eq(lists.id, listMembers.listId))
    .where(and(eq(listMembers.contactId, id), eq(lists.orgId, ctx.orgId)))
    .orderBy(asc(lists.name));
  const optOutRows = await db
    .select()
    .from(optOuts)
    .where(
      and(
        eq(optOuts.orgId, ctx.orgId),
        or(
          c.email ? and(eq(optOuts.channel, "email"), eq(optOuts.address, c.email)) : undefined,
          c.phone ? and(eq(optOuts.channel, "sms"), eq(optOuts.address, c.phone)) : undefined,
          sql`false`,
        ),
      ),
    );
  const suppressed = c.email
    ? await db
        .select()
        .from(suppressions)
        .where(and(eq(suppressions.orgId, ctx.orgId), eq(suppressions.address, c.email)))
    : [];
  return {
    exported_at: new Date().toISOString(),
    contact: toContactJson(c),
    lists: memberships.map((m) => ({ id: m.id, name: m.name, added_at: m.addedAt.toISOString() })),
    opt_outs: optOutRows.map(toOptOutJson),
    suppressions: suppressed.map(toSuppressionJson),
    messages: await messagesWithHistory(db, ctx, c),
  };
}
