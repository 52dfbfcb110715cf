import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { getMessage } from "@/lib/services/messages/queries";
import { previewHtml } from "@/lib/services/tracking/preview";
import { toMessageDetailJson } from "@/lib/validation/messages";

// The HTML goes out as a preview (no open pixel, direct links): the console renders it, and
// showing a message must never count as its recipient's open or click.
export const GET = handle(messageOps.get, async ({ ctx, params }) => {
  const { message, attempts, events } = await getMessage({ ctx, id: params.id });
  return toMessageDetailJson({ ...message, html: previewHtml(message.html) }, attempts, events);
});
