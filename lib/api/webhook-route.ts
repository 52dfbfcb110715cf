import { MAX_BODY_BYTES, readRawBody } from "@/lib/http/body";
import { adapterFor } from "@/lib/providers/registry";
import type { ProviderType } from "@/lib/providers/types";
import type { WebhookRequest } from "@/lib/providers/webhook";
import { invalidSignatureError } from "@/lib/providers/webhook-body";
import { webhookContext } from "@/lib/services/webhooks/context";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { signedUrl } from "@/lib/services/webhooks/request";
import { errorResponse } from "./handler";

interface WebhookRouteContext {
  params: Promise<{ providerId: string }>;
}

/**
 * The one way into provider webhooks (SPEC §5): read the body through the
 * capped reader (413 over the cap, before anything else), look up the
 * provider the URL names (404), verify with the adapter and the provider's own
 * secret (401, nothing stored), parse (400), then store and apply through
 * ingestion — or, for an incoming message, the inbound handler.
 */
export function webhookRoute(type: ProviderType, endpoint?: string) {
  const adapter = adapterFor(type);
  const hook = adapter.webhook;
  if (!hook) throw new Error(`The ${type} adapter has no webhook capability`);
  return async (req: Request, { params }: WebhookRouteContext): Promise<Response> => {
    try {
      const body = await readRawBody(req, hook.maxBody ?? MAX_BODY_BYTES);
      const provider = await webhookProvider((await params).providerId, type);
      const ctx = webhookContext(provider);
      if (!ctx)
        throw invalidSignatureError(
          "The provider's settings are incomplete, so its webhooks cannot be verified",
        );
      const request: WebhookRequest = {
        method: req.method,
        url: req.url,
        signedUrl: signedUrl(req),
        headers: req.headers,
        body,
        endpoint,
      };
      await hook.verify(ctx, request);
      const payload = hook.parse(ctx, request);
      if (payload.confirm) await payload.confirm();
      if (payload.inbound) {
        const { reply, keyword, duplicate } = await handleInboundSms(provider, payload.inbound);
        return hook.inboundReply
          ? hook.inboundReply(reply)
          : Response.json({ received: true, keyword, duplicate });
      }
      const result = await ingestProviderEvents(provider, type, payload.events);
      return Response.json({ received: true, ...payload.answer, ...result });
    } catch (e) {
      return errorResponse(e);
    }
  };
}
