import { handle } from "@/lib/api/handler";
import { costOps } from "@/lib/api/ops/costs";
import { createBudget, listBudgets } from "@/lib/services/budgets/budgets";

export const GET = handle(costOps.budgets, ({ ctx }) => listBudgets({ ctx }));
export const POST = handle(costOps.createBudget, ({ ctx, body }) => createBudget({ ctx, input: body }));
