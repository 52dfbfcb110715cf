import { op } from "@/lib/api/operation";
import { auditLogList, auditLogQuery } from "@/lib/validation/audit";

export const auditOps = {
  list: op({
    method: "GET",
    path: "/audit-logs",
    tag: "Audit",
    summary: "List audit log entries, newest first (admin, manager)",
    permission: "audit:read",
    query: auditLogQuery,
    response: auditLogList,
  }),
};
