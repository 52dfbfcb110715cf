import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { ConversationsView } from "@/components/conversations/conversations-view";
import { PageHeader } from "@/components/ui/page-header";
import { LoadingRows } from "@/components/ui/states";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Conversations" };

export default async function ConversationsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Conversations"
        description="SMS threads per number: replies received through your providers' inbound webhooks, with the messages you sent."
      />
      {/* useSearchParams (the selected ?number=) needs a Suspense boundary. */}
      <Suspense fallback={<LoadingRows rows={6} />}>
        <ConversationsView />
      </Suspense>
    </div>
  );
}
