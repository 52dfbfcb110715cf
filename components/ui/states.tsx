import type { ReactNode } from "react";
import { Button } from "./button";

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div
      className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
      data-testid="empty-state"
    >
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {children ? <div className="mt-1 text-sm text-slate-500">{children}</div> : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : "Something went wrong";
  return (
    <div
      className="rounded-lg border border-rose-200 bg-rose-50 px-4 py-4 text-sm text-rose-800"
      role="alert"
      data-testid="error-state"
    >
      <p className="font-medium">Could not load this.</p>
      <p className="mt-1">{message}</p>
      {onRetry ? (
        <Button variant="secondary" size="sm" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function LoadingRows({ rows = 3 }: { rows?: number }) {
  return (
    <div className="space-y-2" data-testid="loading" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="h-10 animate-pulse rounded-md bg-slate-200/70" />
      ))}
    </div>
  );
}

export function Forbidden({ what }: { what: string }) {
  return (
    <div
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-6 text-sm text-amber-900"
      data-testid="forbidden"
    >
      <p className="font-medium">You do not have access to {what}.</p>
      <p className="mt-1">Ask an admin of this organisation if you need it.</p>
    </div>
  );
}
