import { errorResponse } from "@/lib/api/handler";
import { receiveStripeWebhook } from "@/lib/services/billing/webhooks";

/** Stripe's webhook: authenticated by its Stripe-Signature only (SPEC §5). */
export async function POST(req: Request): Promise<Response> {
  try {
    // The signature covers the exact bytes, so the body is read as text, never re-serialised.
    const outcome = await receiveStripeWebhook(await req.text(), req.headers.get("stripe-signature"));
    return Response.json(outcome);
  } catch (e) {
    return errorResponse(e);
  }
}
