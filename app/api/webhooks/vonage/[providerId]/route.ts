import { errorResponse } from "@/lib/api/handler";
import { callbackParams, readRawBody } from "@/lib/services/webhooks/body";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { invalidSignature } from "@/lib/services/webhooks/request";
import { verifyVonage, vonageCallback } from "@/lib/services/webhooks/vonage";

/**
 * Vonage SMS API delivery receipts and inbound messages (GET or POST, form or
 * JSON), signed with the account's signature secret. The SMS API takes no
 * reply in the webhook answer, so a keyword is acted on and stored only.
 */
async function handler(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "vonage");
    const fields = callbackParams(req, await readRawBody(req));
    if (!verifyVonage(provider, fields)) return invalidSignature();
    const callback = vonageCallback(fields);
    if (callback.kind === "inbound") {
      const { keyword, duplicate } = await handleInboundSms(provider, callback.sms);
      return Response.json({ received: true, keyword, duplicate });
    }
    const result = await ingestProviderEvents(provider, "vonage", [{ event: callback.event, raw: fields }]);
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}

export const GET = handler;
export const POST = handler;
