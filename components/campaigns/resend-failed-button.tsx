"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { campaignQueries } from "@/lib/queries/campaigns";
import { api } from "@/lib/queries/fetcher";
import { messageQueries } from "@/lib/queries/messages";

/** For a completed campaign: sends its failed and undelivered messages again, each once. */
export function ResendFailedButton({ id }: { id: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: () =>
      api<{ queued: number; skipped: number }>(`/campaigns/${id}/resend-failed`, { method: "POST" }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      qc.invalidateQueries({ queryKey: messageQueries.all });
      const skipped = r.skipped ? ` (${r.skipped} skipped: opted out or suppressed since)` : "";
      toast(
        r.queued ? `Resending ${r.queued} failed messages${skipped}` : `Nothing left to resend${skipped}`,
      );
    },
    onError: (e) => toast(e.message, "error"),
  });
  return (
    <Button
      variant="secondary"
      onClick={() => mutation.mutate()}
      disabled={mutation.isPending}
      data-testid="campaign-resend-failed"
    >
      {mutation.isPending ? "Resending…" : "Resend failed"}
    </Button>
  );
}
