import { webhookRoute } from "@/lib/api/webhook-route";

/** SES events through SNS (SPEC §5): signature and topic checked, subscriptions confirmed, notifications applied. */
export const POST = webhookRoute("ses");
