import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

/** Admins land on users and roles; everyone else on their own account. */
export default async function SettingsIndex() {
  const session = await getSession();
  if (!session) redirect("/login");
  redirect(can(session.active.role, "users:manage") ? "/settings/users" : "/settings/account");
}
