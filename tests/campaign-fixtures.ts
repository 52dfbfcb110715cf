import { getDb } from "@/lib/db";
import { contacts, listMembers, lists } from "@/lib/db/schema";
import { uniq } from "./factories";

/** A list of n contacts with emails and phones (inserted directly, as an import would). */
export async function makeAudience(
  orgId: string,
  n: number,
  attrs: (i: number) => Record<string, unknown> = () => ({}),
) {
  const db = await getDb();
  const [list] = await db
    .insert(lists)
    .values({ orgId, name: uniq("List") })
    .returning();
  if (!list) throw new Error("no list");
  const rows = Array.from({ length: n }, (_, i) => ({
    orgId,
    email: `person${i}@example.com`,
    phone: `+1202555${String(1000 + i).padStart(4, "0")}`,
    name: `Person ${i}`,
    attributes: attrs(i),
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(contacts)
      .values(rows.slice(i, i + 500))
      .returning({ id: contacts.id });
    ids.push(...inserted.map((r) => r.id));
  }
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insert(listMembers)
      .values(ids.slice(i, i + 500).map((contactId) => ({ listId: list.id, contactId, orgId })));
  }
  return { listId: list.id, contactIds: ids };
}
