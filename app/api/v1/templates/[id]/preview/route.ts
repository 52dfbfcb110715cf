import { handle } from "@/lib/api/handler";
import { templateOps } from "@/lib/api/ops/templates";
import { previewTemplate } from "@/lib/services/templates/templates";

export const POST = handle(templateOps.preview, ({ ctx, params, body }) =>
  previewTemplate({ ctx, id: params.id, variables: body.variables }),
);
