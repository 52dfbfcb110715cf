import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { memberships, users, type WebhookEndpoint } from "@/lib/db/schema";
import { systemCtx } from "@/lib/services/context";
import { sendEmail } from "@/lib/services/messages/send";

/** Emails the organisation's admins, through its own email providers, that an endpoint was disabled. */
export async function notifyEndpointDisabled(e: WebhookEndpoint): Promise<number> {
  const db = await getDb();
  const admins = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, e.orgId), eq(memberships.role, "admin")));
  const ctx = systemCtx(e.orgId, "outgoing webhooks");
  for (const a of admins) {
    await sendEmail({
      ctx,
      input: {
        to: a.email,
        subject: "A webhook endpoint was disabled",
        text: [
          `Switchboard stopped sending events to ${e.url}.`,
          `Why: ${e.disabledReason ?? "it kept failing"}.`,
          "Fix the receiver, then enable the endpoint again under Settings → Webhooks; events from now on will be delivered, and failed deliveries can be replayed from its delivery log.",
        ].join("\n\n"),
        category: "transactional",
      },
    });
  }
  return admins.length;
}
