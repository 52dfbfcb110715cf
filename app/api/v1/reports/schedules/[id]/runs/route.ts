import { handle } from "@/lib/api/handler";
import { scheduleOps } from "@/lib/api/ops/reports";
import { listRuns } from "@/lib/services/reports/schedules";
import { toRunJson } from "@/lib/validation/reports";

export const GET = handle(scheduleOps.runs, async ({ ctx, params, query }) => {
  const page = await listRuns({ ctx, id: params.id, input: query });
  return { data: page.data.map(toRunJson), next_cursor: page.nextCursor };
});
