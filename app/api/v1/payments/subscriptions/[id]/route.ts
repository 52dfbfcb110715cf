import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { getSubscription } from "@/lib/services/billing/subscriptions";
import { toSubscriptionJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.getSubscription, async ({ ctx, params }) =>
  toSubscriptionJson(await getSubscription({ ctx, id: params.id })),
);
