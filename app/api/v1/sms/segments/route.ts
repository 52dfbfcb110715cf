import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { countSegments } from "@/lib/services/sms/segments";

export const POST = handle(messageOps.segments, async ({ body }) => countSegments(body.text));
