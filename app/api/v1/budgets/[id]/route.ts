import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { deleteBudget, getBudget, updateBudget } from "@/lib/services/budgets/budgets";

export const GET = handle(costOps.budget, ({ ctx, params }) => getBudget({ ctx, id: params.id }));
export const PATCH = handle(costOps.updateBudget, ({ ctx, params, body }) =>
  updateBudget({ ctx, id: params.id, input: body }),
);
export const DELETE = handle(costOps.deleteBudget, ({ ctx, params }) => deleteBudget({ ctx, id: params.id }));
