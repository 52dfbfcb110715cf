import { handle } from "@/lib/api/handler";
import { templateOps } from "@/lib/api/ops/templates";
import { deleteTemplate, getTemplate, updateTemplate, variablesOf } from "@/lib/services/templates/templates";
import { toTemplateJson } from "@/lib/validation/templates";

export const GET = handle(templateOps.get, async ({ ctx, params }) => {
  const t = await getTemplate({ ctx, id: params.id });
  return toTemplateJson(t, variablesOf(t));
});

export const PATCH = handle(templateOps.update, async ({ ctx, params, body }) => {
  const t = await updateTemplate({ ctx, id: params.id, input: body });
  return toTemplateJson(t, variablesOf(t));
});

export const DELETE = handle(templateOps.remove, async ({ ctx, params }) => {
  await deleteTemplate({ ctx, id: params.id });
});
