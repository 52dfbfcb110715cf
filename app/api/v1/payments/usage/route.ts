import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { billingUsage } from "@/lib/services/billing/usage";

export const GET = handle(billingOps.usage, ({ ctx, query }) => billingUsage({ ctx, input: query }));
