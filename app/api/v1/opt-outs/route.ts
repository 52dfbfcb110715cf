import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { listOptOuts, optOut } from "@/lib/services/consent/opt-outs";
import { toOptOutJson } from "@/lib/validation/consent";

export const POST = handle(consentOps.optOut, async ({ ctx, body }) =>
  toOptOutJson(await optOut({ ctx, input: body, source: ctx.actor.type === "user" ? "console" : "api" })),
);

export const GET = handle(consentOps.list, async ({ ctx, query }) => {
  const page = await listOptOuts({ ctx, input: query });
  return { data: page.data.map(toOptOutJson), next_cursor: page.nextCursor };
});
