import { handle } from "@/lib/api/handler";
import { scheduleOps } from "@/lib/api/ops/reports";
import { createSchedule, listSchedules } from "@/lib/services/reports/schedules";
import { toScheduleJson } from "@/lib/validation/reports";

export const GET = handle(scheduleOps.list, async ({ ctx, query }) => {
  const page = await listSchedules({ ctx, input: query });
  return { data: page.data.map((s) => toScheduleJson(s, page.last.get(s.id))), next_cursor: page.nextCursor };
});

export const POST = handle(scheduleOps.create, async ({ ctx, body }) => {
  const { schedule, last } = await createSchedule({ ctx, input: body });
  return Response.json(toScheduleJson(schedule, last), { status: 201 });
});
