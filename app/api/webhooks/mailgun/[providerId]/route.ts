import { errorResponse } from "@/lib/api/handler";
import { readRawBody } from "@/lib/services/webhooks/body";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { assertTokenUnused, mapMailgunEvent, verifyMailgun } from "@/lib/services/webhooks/mailgun";

/** Mailgun webhooks: HMAC of timestamp + token, fresh and single-use; store the event once and apply it. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "mailgun");
    const { token, body, data } = verifyMailgun(provider, await readRawBody(req));
    const event = mapMailgunEvent(data);
    await assertTokenUnused(provider, token, event.eventId);
    const result = await ingestProviderEvents(provider, "mailgun", [{ event, raw: body }]);
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}
