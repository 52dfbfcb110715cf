import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { contacts } from "@/lib/db/schema";

/** The contacts' own time zones by E.164 phone, for the numbers that belong to a contact with one (one query). */
export async function contactTimeZonesByPhone(
  db: Executor,
  orgId: string,
  phones: string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(phones)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db
      .select({ phone: contacts.phone, timezone: contacts.timezone })
      .from(contacts)
      .where(
        and(
          eq(contacts.orgId, orgId),
          inArray(contacts.phone, unique.slice(i, i + 1000)),
          isNotNull(contacts.timezone),
        ),
      );
    for (const r of rows) if (r.phone && r.timezone) out.set(r.phone, r.timezone);
  }
  return out;
}
