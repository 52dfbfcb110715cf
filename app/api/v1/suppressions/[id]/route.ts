import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { removeSuppression } from "@/lib/services/consent/suppressions";
import { toSuppressionJson } from "@/lib/validation/consent";

export const DELETE = handle(consentOps.unsuppress, async ({ ctx, params }) =>
  toSuppressionJson(await removeSuppression({ ctx, id: params.id })),
);
