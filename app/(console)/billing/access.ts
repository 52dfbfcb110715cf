import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

/** The signed-in user's billing rights in the active organisation (admin writes, manager reads). */
export async function billingAccess() {
  const session = await getSession();
  if (!session) redirect("/login");
  return {
    canRead: can(session.active.role, "billing:read"),
    canWrite: can(session.active.role, "billing:write"),
  };
}
