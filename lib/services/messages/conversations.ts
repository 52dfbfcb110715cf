import { and, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, toPage } from "@/lib/pagination";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { normalizePhone } from "@/lib/services/sms/phone";
import type {
  ConversationJson,
  ConversationMessageJson,
  ConversationThreadJson,
} from "@/lib/validation/conversations";

/**
 * The other party of an SMS: who sent an inbound message, who received an outbound one.
 * Literal text only (no bound parameters), so the same expression can be selected and grouped by.
 */
const counterpart = sql<string>`case when ${messages.direction} = 'inbound' then ${messages.from} else ${messages.to} end`;

interface ThreadCursor {
  at: Date;
  number: string;
}

function encodeThreadCursor(at: Date, number: string): string {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), number })).toString("base64url");
}

function decodeThreadCursor(cursor: string): ThreadCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!v || typeof v !== "object" || !("at" in v) || !("number" in v)) throw new Error("bad cursor");
    const at = new Date(String(v.at));
    if (typeof v.number !== "string" || Number.isNaN(at.getTime())) throw new Error("bad cursor");
    return { at, number: v.number };
  } catch {
    throw AppError.validation([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  }
}

const likeEscape = (s: string) => s.replace(/[%_\\]/g, (c) => `\\${c}`);

/** A search matches the number as typed ("+1202") or by its digits ("(202) 555-0142" finds +12025550142). */
function searchFilter(q: string | undefined): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  const digits = text.replace(/\D/g, "");
  const typed = sql`${counterpart} ilike ${`%${likeEscape(text)}%`}`;
  if (!digits) return typed;
  return sql`(${typed} or regexp_replace(${counterpart}, '[^0-9]', '', 'g') like ${`%${digits}%`})`;
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

const asDirection = (d: string): "inbound" | "outbound" => (d === "inbound" ? "inbound" : "outbound");

/**
 * SMS conversation threads of the organisation, one per counterpart number,
 * newest activity first, paged on (last_message_at, number).
 */
export async function listConversations({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string; q?: string };
}): Promise<{ data: ConversationJson[]; next_cursor: string | null }> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const lastAt = sql`max(${messages.createdAt})`;
  const after = input.cursor
    ? (() => {
        const c = decodeThreadCursor(input.cursor);
        const at = sql`${c.at.toISOString()}::timestamptz`;
        return sql`(${lastAt} < ${at} or (${lastAt} = ${at} and ${counterpart} < ${c.number}))`;
      })()
    : undefined;
  const rows = await db
    .select({
      number: counterpart,
      lastMessageAt: lastAt.mapWith(toDate),
      lastDirection: sql<string>`(array_agg(${messages.direction} order by ${messages.createdAt} desc, ${messages.id} desc))[1]`,
      lastBody: sql<
        string | null
      >`(array_agg(${messages.body} order by ${messages.createdAt} desc, ${messages.id} desc))[1]`,
      messageCount: sql<number>`count(*)::int`.mapWith(Number),
      inboundCount: sql<number>`(count(*) filter (where ${messages.direction} = 'inbound'))::int`.mapWith(
        Number,
      ),
    })
    .from(messages)
    .where(
      and(
        eq(messages.orgId, ctx.orgId),
        eq(messages.channel, "sms"),
        isNotNull(counterpart),
        searchFilter(input.q),
      ),
    )
    .groupBy(counterpart)
    // A conversation is a number that has written to us: one-way sends (campaigns, OTPs) are not threads.
    .having(and(sql`count(*) filter (where ${messages.direction} = 'inbound') > 0`, after))
    .orderBy(desc(lastAt), desc(counterpart))
    .limit(input.limit + 1);

  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const check = await consentChecker(
    db,
    ctx.orgId,
    "sms",
    page.map((r) => r.number),
  );
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      number: r.number,
      last_message_at: r.lastMessageAt.toISOString(),
      last_direction: asDirection(r.lastDirection),
      last_body: r.lastBody,
      message_count: r.messageCount,
      inbound_count: r.inboundCount,
      // Only a full opt-out (STOP) stops a reply; a category opt-out does not.
      opted_out: isFullyOptedOut(check, r.number),
    })),
    next_cursor: more && last ? encodeThreadCursor(last.lastMessageAt, last.number) : null,
  };
}

type Checker = Awaited<ReturnType<typeof consentChecker>>;

/** Transactional messages pass category opt-outs, so a refusal for them is a full opt-out. */
function isFullyOptedOut(check: Checker, number: string): boolean {
  return !check(number, "transactional").ok;
}

/**
 * The messages of one thread: the newest page first, each page oldest to
 * newest; next_cursor pages to older messages.
 */
export async function getConversation({
  ctx,
  number,
  input,
}: {
  ctx: Ctx;
  number: string;
  input: { limit: number; cursor?: string };
}): Promise<ConversationThreadJson> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const raw = number.trim();
  // Inbound senders are stored in E.164 when valid, so "(202) 555-0142" names the same thread;
  // short codes and alphanumeric senders only match as given.
  let normalised: string | null = null;
  try {
    const org = await getOrganisation(db, ctx.orgId);
    normalised = normalizePhone(raw, org.defaultRegion, "number");
  } catch {
    normalised = null;
  }
  const names = [...new Set([raw, ...(normalised ? [normalised] : [])])];
  const page = keyset(messages.createdAt, messages.id, input.cursor);
  const rows = await db
    .select({
      id: messages.id,
      createdAt: messages.createdAt,
      direction: messages.direction,
      body: messages.body,
      status: messages.status,
      error: messages.error,
      providerType: messages.providerType,
    })
    .from(messages)
    .where(
      and(
        eq(messages.orgId, ctx.orgId),
        eq(messages.channel, "sms"),
        isNotNull(counterpart),
        inArray(counterpart, names),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(rows, input.limit);
  const shown = normalised ?? raw;
  const check = await consentChecker(db, ctx.orgId, "sms", [shown]);
  const data: ConversationMessageJson[] = p.data
    .map((m) => ({
      id: m.id,
      direction: asDirection(m.direction),
      body: m.body,
      status: m.status,
      error: m.error,
      created_at: m.createdAt.toISOString(),
      provider_type: m.providerType,
    }))
    .reverse();
  return { number: shown, opted_out: isFullyOptedOut(check, shown), data, next_cursor: p.nextCursor };
}
