import { errorResponse } from "@/lib/api/handler";
import { africasTalkingCallback, verifyAfricasTalking } from "@/lib/services/webhooks/africastalking";
import { callbackParams, readRawBody } from "@/lib/services/webhooks/body";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { invalidSignature } from "@/lib/services/webhooks/request";

/**
 * Africa's Talking delivery reports and incoming messages. It signs nothing,
 * so the URL's `token` (see africasTalkingCallbackToken) stands in for a
 * signature. No reply travels in the answer: keywords are acted on and stored.
 */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "africastalking");
    if (!verifyAfricasTalking(provider, req.url)) return invalidSignature();
    const callback = africasTalkingCallback(callbackParams(req, await readRawBody(req)));
    if (callback.kind === "inbound") {
      const { keyword, duplicate } = await handleInboundSms(provider, callback.sms);
      return Response.json({ received: true, keyword, duplicate });
    }
    const result = await ingestProviderEvents(provider, "africastalking", [
      { event: callback.event, raw: callback.raw },
    ]);
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}
