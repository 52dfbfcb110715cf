import { and, asc, eq, gt, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type AudienceFilter, type Contact, contacts, listMembers } from "@/lib/db/schema";

export interface Audience {
  list_ids: string[];
  filter: AudienceFilter | null;
}

/** Conditions selecting a campaign's audience: members of any of the lists (if given) matching every filter condition, with an address for the channel. */
export function audienceWhere(orgId: string, channel: "email" | "sms", audience: Audience): SQL {
  const conditions: (SQL | undefined)[] = [
    eq(contacts.orgId, orgId),
    isNull(contacts.erasedAt),
    channel === "email" ? isNotNull(contacts.email) : isNotNull(contacts.phone),
  ];
  if (audience.list_ids.length) {
    conditions.push(
      sql`exists (select 1 from ${listMembers} where ${listMembers.contactId} = ${contacts.id} and ${inArray(listMembers.listId, audience.list_ids)})`,
    );
  }
  for (const c of audience.filter?.all ?? []) {
    const value = sql`${contacts.attributes} ->> ${c.field}`;
    if (c.op === "exists") conditions.push(sql`${contacts.attributes} ? ${c.field}`);
    else if (c.op === "eq") conditions.push(sql`${value} = ${String(c.value)}`);
    else if (c.op === "neq") conditions.push(sql`(${value} is distinct from ${String(c.value)})`);
    else if (c.op === "in") {
      const values = (Array.isArray(c.value) ? c.value : [c.value]).map(String);
      conditions.push(
        values.length
          ? sql`${value} in (${sql.join(
              values.map((v) => sql`${v}`),
              sql`, `,
            )})`
          : sql`false`,
      );
    }
  }
  return and(...conditions) as SQL;
}

export async function countAudience(
  db: Executor,
  orgId: string,
  channel: "email" | "sms",
  audience: Audience,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(audienceWhere(orgId, channel, audience));
  return row?.n ?? 0;
}

/** The audience in id order, a page at a time, so memory stays flat at any size. */
export async function* streamAudience(
  db: Executor,
  orgId: string,
  channel: "email" | "sms",
  audience: Audience,
  pageSize = 1000,
): AsyncGenerator<Contact[]> {
  let after: string | null = null;
  const where = audienceWhere(orgId, channel, audience);
  for (;;) {
    const page: Contact[] = await db
      .select()
      .from(contacts)
      .where(after ? and(where, gt(contacts.id, after)) : where)
      .orderBy(asc(contacts.id))
      .limit(pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]?.id ?? null;
    if (page.length < pageSize) return;
  }
}
