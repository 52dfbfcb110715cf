import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { compareProviders } from "@/lib/services/stats/delivery";

export const GET = handle(costOps.compare, ({ ctx, query }) => compareProviders({ ctx, days: query.days }));
