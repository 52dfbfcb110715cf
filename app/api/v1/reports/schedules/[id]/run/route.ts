import { handle } from "@/lib/api/handler";
import { scheduleOps } from "@/lib/api/ops/reports";
import { runScheduleNow } from "@/lib/services/reports/schedules";
import { toRunJson } from "@/lib/validation/reports";

export const POST = handle(scheduleOps.run, async ({ ctx, params }) =>
  Response.json(toRunJson(await runScheduleNow({ ctx, id: params.id })), { status: 201 }),
);
