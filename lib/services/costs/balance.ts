import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { adapterFor } from "@/lib/providers/registry";
import { ProviderError } from "@/lib/providers/types";
import type { Ctx } from "@/lib/services/context";
import { getProviderInOrg, providerCredentials } from "@/lib/services/providers/providers";

/**
 * GET /providers/{id}/balance: the account balance from the provider's own
 * API (Twilio, Vonage, MessageBird, Africa's Talking), through the adapter's
 * HTTP client and egress policy; 422 `not_supported` for other types.
 */
export async function providerBalance({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const p = await getProviderInOrg(db, ctx, id);
  const adapter = adapterFor(p.type);
  if (!adapter.fetchBalance)
    throw new AppError("not_supported", `${adapter.label} has no balance API`, undefined, 422);
  const config = adapter.configSchema.safeParse(p.config);
  const credentials = adapter.credentialsSchema.safeParse(providerCredentials(p));
  if (!config.success || !credentials.success)
    throw new AppError("provider_misconfigured", "The provider's settings are incomplete", undefined, 422);
  try {
    const b = await adapter.fetchBalance({
      orgId: ctx.orgId,
      providerId: p.id,
      config: config.data,
      credentials: credentials.data,
      sender: p.sender,
    });
    return { provider_id: p.id, amount: b.amount, currency: b.currency, at: new Date().toISOString() };
  } catch (e) {
    // The provider's own words stay out: status and code only (ProviderError messages carry no body).
    const message = e instanceof ProviderError ? e.message : "The provider could not be reached";
    throw new AppError("provider_error", message, undefined, 502);
  }
}
