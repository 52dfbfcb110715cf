import { errorResponse } from "@/lib/api/handler";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { webhookProvider } from "@/lib/services/webhooks/ingest";
import { formParams, invalidSignature, signedUrl } from "@/lib/services/webhooks/request";
import { twilioInbound, twiml, verifyTwilio } from "@/lib/services/webhooks/twilio";

/** Inbound SMS from Twilio: stored for conversations; STOP/START/HELP handled; answered with TwiML. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "twilio");
    const form = formParams(await req.text());
    if (!verifyTwilio(provider, req.headers.get("x-twilio-signature"), signedUrl(req), form))
      return invalidSignature();
    const { reply } = await handleInboundSms(provider, { ...twilioInbound(form), raw: form });
    return twiml(reply);
  } catch (e) {
    return errorResponse(e);
  }
}
