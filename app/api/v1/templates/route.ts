import { handle } from "@/lib/api/handler";
import { templateOps } from "@/lib/api/ops/templates";
import { createTemplate, listTemplates, variablesOf } from "@/lib/services/templates/templates";
import { toTemplateJson } from "@/lib/validation/templates";

export const GET = handle(templateOps.list, async ({ ctx, query }) => ({
  data: (await listTemplates({ ctx, input: query })).map((t) => toTemplateJson(t, variablesOf(t))),
  next_cursor: null,
}));

export const POST = handle(templateOps.create, async ({ ctx, body }) => {
  const t = await createTemplate({ ctx, input: body });
  return toTemplateJson(t, variablesOf(t));
});
