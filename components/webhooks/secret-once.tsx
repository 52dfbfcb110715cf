"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A signing secret shown this once, with a copy button. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        This is the only time the signing secret is shown. Store it with the receiving system: it checks each
        delivery's <code>webhook-signature</code> with it.
      </p>
      <code className="block break-all rounded-md bg-slate-100 p-3 text-xs" data-testid="webhook-secret">
        {secret}
      </code>
      <div className="flex justify-end gap-2">
        <Button
          variant="secondary"
          onClick={() => navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
          data-testid="copy-webhook-secret"
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button onClick={onDone} data-testid="webhook-secret-done">
          Done
        </Button>
      </div>
    </div>
  );
}
