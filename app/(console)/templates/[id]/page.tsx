import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TemplateEditor } from "@/components/templates/template-editor";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Edit template" };

export default async function TemplateEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const { id } = await params;
  return <TemplateEditor id={id} />;
}
