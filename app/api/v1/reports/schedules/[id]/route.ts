import { handle } from "@/lib/api/handler";
import { scheduleOps } from "@/lib/api/ops/reports";
import { deleteSchedule, getSchedule, updateSchedule } from "@/lib/services/reports/schedules";
import { toScheduleJson } from "@/lib/validation/reports";

export const GET = handle(scheduleOps.get, async ({ ctx, params }) => {
  const { schedule, last } = await getSchedule({ ctx, id: params.id });
  return toScheduleJson(schedule, last);
});

export const PATCH = handle(scheduleOps.update, async ({ ctx, params, body }) => {
  const { schedule, last } = await updateSchedule({ ctx, id: params.id, input: body });
  return toScheduleJson(schedule, last);
});

export const DELETE = handle(scheduleOps.remove, async ({ ctx, params }) => {
  await deleteSchedule({ ctx, id: params.id });
});
