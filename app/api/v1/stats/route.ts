import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { stats } from "@/lib/services/stats/delivery";

export const GET = handle(costOps.stats, ({ ctx }) => stats({ ctx }));
