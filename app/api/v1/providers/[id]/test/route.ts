import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import { testProvider } from "@/lib/services/providers/test-send";

export const POST = handle(providerOps.test, ({ ctx, params, body }) =>
  testProvider({ ctx, id: params.id, input: body }),
);
