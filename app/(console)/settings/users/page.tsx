import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MembersPanel } from "@/components/settings/members-panel";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Users & roles" };

export default async function UsersPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  if (!can(session.active.role, "users:manage")) return <Forbidden what="users and roles" />;
  return <MembersPanel currentUserId={session.user.id} />;
}
