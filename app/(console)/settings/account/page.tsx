import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PasswordForm } from "@/components/settings/password-form";
import { getSession } from "@/lib/auth/context";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const { changed } = await searchParams;
  return (
    <section className="max-w-md">
      <h2 className="text-base font-semibold text-slate-900">Password</h2>
      <p className="mt-1 mb-4 text-sm text-slate-500">
        Signed in as <strong>{session.user.email}</strong>. Changing the password signs you out everywhere
        else.
      </p>
      {changed ? (
        <p
          className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
          data-testid="password-changed"
        >
          Password changed. Other sessions were signed out.
        </p>
      ) : null}
      <PasswordForm />
    </section>
  );
}
