import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { providerBalance } from "@/lib/services/costs/balance";

export const GET = handle(costOps.balance, ({ ctx, params }) => providerBalance({ ctx, id: params.id }));
