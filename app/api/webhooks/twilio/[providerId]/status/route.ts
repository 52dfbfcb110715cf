import { errorResponse } from "@/lib/api/handler";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { formParams, invalidSignature, signedUrl } from "@/lib/services/webhooks/request";
import { twilioStatusEvent, verifyTwilio } from "@/lib/services/webhooks/twilio";

/** Twilio status callbacks: verify with this provider's auth token, store once, move the message forward. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "twilio");
    const form = formParams(await req.text());
    if (!verifyTwilio(provider, req.headers.get("x-twilio-signature"), signedUrl(req), form))
      return invalidSignature();
    const event = twilioStatusEvent(form);
    const result = await ingestProviderEvents(provider, "twilio", [{ event, raw: form }]);
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}
