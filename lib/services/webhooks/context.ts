import type { Provider } from "@/lib/db/schema";
import { adapterFor } from "@/lib/providers/registry";
import type { WebhookContext } from "@/lib/providers/webhook";
import { providerCredentials } from "@/lib/services/providers/providers";

/** What a provider's webhook capability verifies with: parsed config, decrypted credentials; null if they do not parse. */
export function webhookContext(provider: Provider): WebhookContext<unknown, unknown> | null {
  const adapter = adapterFor(provider.type);
  const config = adapter.configSchema.safeParse(provider.config);
  const credentials = adapter.credentialsSchema.safeParse(providerCredentials(provider));
  if (!config.success || !credentials.success) return null;
  return {
    providerId: provider.id,
    config: config.data,
    credentials: credentials.data,
    webhookTokenVersion: provider.webhookTokenVersion,
  };
}
