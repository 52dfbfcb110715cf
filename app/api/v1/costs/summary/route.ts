import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { costSummary } from "@/lib/services/costs/summary";

export const GET = handle(costOps.summary, ({ ctx, query }) => costSummary({ ctx, input: query }));
