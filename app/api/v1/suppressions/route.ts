import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { addSuppression, listSuppressions } from "@/lib/services/consent/suppressions";
import { toSuppressionJson } from "@/lib/validation/consent";

export const GET = handle(consentOps.suppressions, async ({ ctx, query }) => {
  const page = await listSuppressions({ ctx, input: query });
  return { data: page.data.map(toSuppressionJson), next_cursor: page.nextCursor };
});

export const POST = handle(consentOps.suppress, async ({ ctx, body }) =>
  toSuppressionJson(await addSuppression({ ctx, input: body })),
);
