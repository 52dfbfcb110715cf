import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any unknown address: say so plainly and offer the way back. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div
        className="max-w-md rounded-xl bg-white p-8 text-center shadow-sm ring-1 ring-slate-200"
        data-testid="not-found"
      >
        <p className="text-sm font-semibold text-indigo-600">404</p>
        <h1 className="mt-2 text-xl font-semibold text-slate-900">This page does not exist</h1>
        <p className="mt-2 text-sm text-slate-600">
          The address may be mistyped, or the page was moved. Nothing was changed.
        </p>
        <div className="mt-6 flex justify-center gap-3">
          <Link
            href="/dashboard"
            className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Go to the dashboard
          </Link>
          <Link
            href="/messages"
            className="rounded-md px-3.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300"
          >
            Messages
          </Link>
        </div>
      </div>
    </main>
  );
}
