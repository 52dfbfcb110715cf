import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { realTime } from "@/lib/services/stats/delivery";

export const GET = handle(costOps.realTime, ({ ctx, query }) => realTime({ ctx, limit: query.limit }));
