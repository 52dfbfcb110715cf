import { errorResponse } from "@/lib/api/handler";
import { readRawBody } from "@/lib/services/webhooks/body";
import { ingestProviderEvents, webhookProvider } from "@/lib/services/webhooks/ingest";
import { confirmSubscription, sesEvents, verifySnsMessage } from "@/lib/services/webhooks/ses";

/** SES events through SNS: verify the SNS signature, confirm subscriptions, store and apply notifications. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ providerId: string }> },
): Promise<Response> {
  try {
    const provider = await webhookProvider((await params).providerId, "ses");
    const message = await verifySnsMessage(provider, await readRawBody(req));
    if (message.Type === "SubscriptionConfirmation") await confirmSubscription(provider, message);
    const result = await ingestProviderEvents(provider, "ses", sesEvents(message));
    return Response.json({ received: true, type: message.Type, ...result });
  } catch (e) {
    return errorResponse(e);
  }
}
