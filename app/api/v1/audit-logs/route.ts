import { handle } from "@/lib/api/handler";
import { auditOps } from "@/lib/api/ops/audit";
import { listAuditLogs } from "@/lib/services/audit/list";
import { toAuditLogJson } from "@/lib/validation/audit";

export const GET = handle(auditOps.list, async ({ ctx, query }) => {
  const page = await listAuditLogs({ ctx, input: query });
  return { data: page.data.map(toAuditLogJson), next_cursor: page.nextCursor };
});
