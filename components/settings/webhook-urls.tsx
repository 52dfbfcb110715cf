"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { ApiError, api } from "@/lib/queries/fetcher";

interface WebhookUrl {
  purpose: string;
  url: string;
}

/** Copies a URL to the clipboard and says so. */
function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast("Could not reach the clipboard: select the URL and copy it by hand", "error");
    }
  }
  return (
    <Button variant="secondary" size="sm" onClick={copy} data-testid="copy-webhook-url" aria-label="Copy URL">
      {copied ? "Copied" : "Copy"}
    </Button>
  );
}

/**
 * One provider's webhook URLs. Where the URL carries a secret token (providers
 * that sign nothing), Rotate replaces it and shows the new URL; the old one
 * stops working at once, so it must be pasted into the provider's console.
 */
export function ProviderWebhookUrls({
  providerId,
  initial,
  rotatable,
}: {
  providerId: string;
  initial: WebhookUrl[];
  rotatable: boolean;
}) {
  const [urls, setUrls] = useState(initial);
  const [rotated, setRotated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  const rotate = useMutation({
    mutationFn: () =>
      api<{ webhook_urls: WebhookUrl[] }>(`/providers/${providerId}/rotate-webhook-token`, {
        method: "POST",
      }),
    onSuccess: (res) => {
      setUrls(res.webhook_urls);
      setRotated(true);
      setError(null);
      toast("Callback token rotated: paste the new URL into the provider's console");
    },
    onError: (e) => setError(e instanceof ApiError ? e.message : String(e)),
  });
  function confirmRotate() {
    if (window.confirm("Rotate the token? The current callback URL stops working at once.")) rotate.mutate();
  }
  return (
    <>
      {urls.map((u) => (
        <div key={u.url} className="mt-2">
          <p className="text-xs text-slate-500">{u.purpose}</p>
          <div className="flex items-start gap-2">
            <code
              className="block min-w-0 flex-1 break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-800 ring-1 ring-slate-200"
              data-testid="webhook-url"
            >
              {u.url}
            </code>
            <CopyButton text={u.url} />
          </div>
        </div>
      ))}
      {rotatable ? (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <Button
            variant="secondary"
            size="sm"
            onClick={confirmRotate}
            disabled={rotate.isPending}
            data-testid="rotate-webhook-token"
          >
            {rotate.isPending ? "Rotating…" : "Rotate token"}
          </Button>
          {rotated ? (
            <p className="text-xs text-amber-700" data-testid="webhook-token-rotated">
              New URL above; the old one now answers 401.
            </p>
          ) : null}
          {error ? <p className="text-xs text-rose-600">{error}</p> : null}
        </div>
      ) : null}
    </>
  );
}
