import { z } from "zod";
import type { AuditEntry } from "@/lib/db/schema";
import { isoDate, listQuery, listResponse } from "./common";

export const auditLogQuery = listQuery.extend({
  action: z.string().min(1).optional(),
  actor_type: z.enum(["user", "api_key", "system"]).optional(),
  actor_id: z.string().min(1).optional(),
  resource_type: z.string().min(1).optional(),
  resource_id: z.string().min(1).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditLogJson = z
  .object({
    id: z.uuid(),
    actor_type: z.enum(["user", "api_key", "system"]),
    actor_id: z.string().nullable(),
    actor_label: z.string(),
    action: z.string(),
    resource_type: z.string(),
    resource_id: z.string().nullable(),
    ip: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .meta({ id: "AuditLogEntry" });
export const auditLogList = listResponse(auditLogJson);

export function toAuditLogJson(e: AuditEntry): z.infer<typeof auditLogJson> {
  return {
    id: e.id,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_label: e.actorLabel,
    action: e.action,
    resource_type: e.resourceType,
    resource_id: e.resourceId,
    ip: e.ip,
    changes: e.changes ?? null,
    created_at: isoDate(e.createdAt) as string,
  };
}
