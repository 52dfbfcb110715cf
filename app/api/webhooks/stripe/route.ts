import { errorResponse } from "@/lib/api/handler";
import { readRawBody } from "@/lib/http/body";
import { receiveStripeWebhook } from "@/lib/services/billing/webhooks";

/** Stripe's webhook: authenticated by its Stripe-Signature only (SPEC §5). */
export async function POST(req: Request): Promise<Response> {
  try {
    // Capped before anything is parsed (413 over 1 MB). The signature covers the
    // exact bytes, so they are decoded as text, never re-serialised.
    const raw = await readRawBody(req);
    const outcome = await receiveStripeWebhook(raw.toString("utf8"), req.headers.get("stripe-signature"));
    return Response.json(outcome);
  } catch (e) {
    return errorResponse(e);
  }
}
