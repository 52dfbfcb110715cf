import { errorResponse } from "@/lib/api/handler";
import { readRawBody } from "@/lib/services/webhooks/body";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { invalidSignature } from "@/lib/services/webhooks/request";
import { SENDGRID_MAX_BODY, sendgridEvents, verifySendgrid } from "@/lib/services/webhooks/sendgrid";

/** SendGrid's signed event webhook: verify the batch, store each event once, apply it. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "sendgrid");
    const raw = await readRawBody(req, SENDGRID_MAX_BODY);
    if (!verifySendgrid(provider, raw, req.headers)) return invalidSignature();
    const result = await ingestProviderEvents(provider, "sendgrid", sendgridEvents(raw));
    return Response.json({ received: true, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}
