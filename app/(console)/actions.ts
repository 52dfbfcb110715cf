"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { ACTIVE_ORG_COOKIE, getSession } from "@/lib/auth/context";
import { signOut } from "@/lib/auth/nextauth";
import { config } from "@/lib/config";

/** Makes another of the user's organisations the active one. */
export async function switchOrganisation(form: FormData): Promise<void> {
  const orgId = String(form.get("orgId") ?? "");
  const session = await getSession();
  if (!session) redirect("/login");
  if (session.memberships.some((m) => m.orgId === orgId)) {
    const secure = config().appUrl?.startsWith("https://") ?? false;
    (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, { httpOnly: true, sameSite: "lax", path: "/", secure });
  }
  redirect("/dashboard");
}

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(ACTIVE_ORG_COOKIE);
  await signOut({ redirectTo: "/login" });
}
