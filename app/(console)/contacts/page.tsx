import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ContactsPanel } from "@/components/contacts/contacts-panel";
import { PageHeader } from "@/components/ui/page-header";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Contacts" };

export default async function ContactsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Contacts"
        description="The people you message: add them one by one or import a CSV, group them in lists, export or erase their data on request."
      />
      <ContactsPanel />
    </div>
  );
}
