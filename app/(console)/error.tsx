"use client";

import { ErrorState } from "@/components/ui/states";

export default function ConsoleError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="max-w-3xl">
      <ErrorState
        error={new Error(error.digest ? `Error reference ${error.digest}` : "Unexpected error")}
        onRetry={reset}
      />
    </div>
  );
}
