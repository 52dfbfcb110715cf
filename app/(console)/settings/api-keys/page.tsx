import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { Forbidden } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  if (!can(session.active.role, "apikeys:manage")) return <Forbidden what="API keys" />;
  return <ApiKeysPanel />;
}
