import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MessageDetailView } from "@/components/messages/message-detail";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Message" };

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const { id } = await params;
  return (
    <div className="max-w-5xl">
      <MessageDetailView id={id} />
    </div>
  );
}
