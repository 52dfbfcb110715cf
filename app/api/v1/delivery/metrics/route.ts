import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { deliveryMetrics } from "@/lib/services/stats/delivery";

export const GET = handle(costOps.deliveryMetrics, ({ ctx, query }) =>
  deliveryMetrics({ ctx, input: query }),
);
