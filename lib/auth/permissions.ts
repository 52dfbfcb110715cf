import type { Role } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

/** SPEC §2's role matrix, the single source every page and route consults. */
export const PERMISSIONS = {
  "providers:read": ["admin", "manager", "staff"],
  "providers:write": ["admin"],
  "users:manage": ["admin"],
  "apikeys:manage": ["admin"],
  "webhooks:manage": ["admin"],
  "billing:read": ["admin", "manager"],
  "billing:write": ["admin"],
  "content:write": ["admin", "manager", "staff"],
  "messages:send": ["admin", "manager", "staff"],
  "reports:read": ["admin", "manager"],
  "dashboards:read": ["admin", "manager", "staff"],
  "budgets:write": ["admin", "manager"],
  "audit:read": ["admin", "manager"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function requirePermission(ctx: { role: Role }, permission: Permission): void {
  if (!can(ctx.role, permission)) throw AppError.forbidden();
}
