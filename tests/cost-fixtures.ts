import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { type Message, messages, providers } from "@/lib/db/schema";

/** The organisation's built-in console SMS / sandbox email provider rows. */
export async function builtInProviders(orgId: string) {
  const db = await getDb();
  const rows = await db.select().from(providers).where(eq(providers.orgId, orgId));
  const sms = rows.find((p) => p.type === "console");
  const email = rows.find((p) => p.type === "sandbox");
  if (!sms || !email) throw new Error("built-in providers missing");
  return { sms, email };
}

/** Inserts finished messages straight into the log, as the pipeline would have left them. */
export async function insertMessages(
  orgId: string,
  rows: Partial<typeof messages.$inferInsert>[],
): Promise<Message[]> {
  const db = await getDb();
  const { sms } = await builtInProviders(orgId);
  return db
    .insert(messages)
    .values(
      rows.map((r) => ({
        orgId,
        channel: "sms" as const,
        status: "delivered" as const,
        to: "+12025550142",
        body: "hello",
        category: "transactional",
        providerId: sms.id,
        providerType: "console" as const,
        segments: 1,
        currency: "USD",
        ...r,
      })),
    )
    .returning();
}
