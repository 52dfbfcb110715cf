import { errorResponse } from "@/lib/api/handler";
import { callbackParams, readRawBody } from "@/lib/services/webhooks/body";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { messagebirdCallback, verifyMessagebird } from "@/lib/services/webhooks/messagebird";
import { invalidSignature, signedUrl } from "@/lib/services/webhooks/request";

/**
 * MessageBird status reports (GET by default) and incoming messages, signed
 * with a JWT over the URL and body. No reply travels in the answer: keywords
 * are acted on and stored.
 */
async function handler(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "messagebird");
    const raw = await readRawBody(req);
    if (!verifyMessagebird(provider, req.headers, signedUrl(req), raw)) return invalidSignature();
    const callback = messagebirdCallback(callbackParams(req, raw));
    if (callback.kind === "inbound") {
      const { keyword, duplicate } = await handleInboundSms(provider, callback.sms);
      return Response.json({ received: true, keyword, duplicate });
    }
    const result = await ingestProviderEvents(provider, "messagebird", [
      { event: callback.event, raw: callback.raw },
    ]);
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}

export const GET = handler;
export const POST = handler;
