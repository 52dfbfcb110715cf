import { handle } from "@/lib/api/handler";
import { templateOps } from "@/lib/api/ops/templates";
import { listTemplateVersions } from "@/lib/services/templates/templates";
import { toTemplateVersionJson } from "@/lib/validation/templates";

export const GET = handle(templateOps.versions, async ({ ctx, params }) => ({
  data: (await listTemplateVersions({ ctx, id: params.id })).map(toTemplateVersionJson),
  next_cursor: null,
}));
