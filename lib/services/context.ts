import type { Role } from "@/lib/db/schema";

export type Actor =
  | { type: "user"; id: string; label: string }
  | { type: "api_key"; id: string; label: string }
  | { type: "system"; id: null; label: string };

/** Who acts, for which organisation, with which role. orgId is never optional. */
export interface Ctx {
  orgId: string;
  role: Role;
  actor: Actor;
  ip: string | null;
}

/** A context for operators acting through the CLI or start-up seeding. */
export function systemCtx(orgId: string, label = "cli"): Ctx {
  return { orgId, role: "admin", actor: { type: "system", id: null, label }, ip: null };
}
