import { eq, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { providers } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { adapterFor } from "@/lib/providers/registry";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { webhookUrls } from "@/lib/services/webhooks/urls";
import { getProviderInOrg } from "./providers";

/** Retires the secret token of a provider's callback URL and answers the new URLs (admin); the old token answers 401 at once. */
export async function rotateWebhookToken({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getProviderInOrg(tx, ctx, id);
    if (!adapterFor(before.type).webhook?.callbackToken) {
      throw new AppError(
        "not_supported",
        `${adapterFor(before.type).label} signs its webhooks; its callback URLs carry no token to rotate`,
        undefined,
        422,
      );
    }
    const [row] = await tx
      .update(providers)
      .set({ webhookTokenVersion: sql`${providers.webhookTokenVersion} + 1` })
      .where(eq(providers.id, id))
      .returning();
    if (!row) throw AppError.notFound("Provider");
    await recordAudit(tx, ctx, {
      action: "provider.webhook_token_rotated",
      resourceType: "provider",
      resourceId: id,
      changes: { webhook_token_version: row.webhookTokenVersion },
    });
    return { provider_id: row.id, webhook_urls: webhookUrls(row) };
  });
}
