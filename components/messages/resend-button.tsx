"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { messageQueries } from "@/lib/queries/messages";

const RESENDABLE = new Set(["failed", "undelivered", "bounced"]);

/** Sends a failed message again as a new message (consent is checked again), then opens it. */
export function ResendButton({ id, status }: { id: string; status: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const mutation = useMutation({
    mutationFn: () => api<{ id: string }>(`/messages/${id}/resend`, { method: "POST" }),
    onSuccess: (m) => {
      qc.invalidateQueries({ queryKey: messageQueries.all });
      toast("Sent again as a new message");
      router.push(`/messages/${m.id}`);
    },
    onError: (e) => toast(e.message, "error"),
  });
  if (!RESENDABLE.has(status)) return null;
  return (
    <Button onClick={() => mutation.mutate()} disabled={mutation.isPending} data-testid="resend-message">
      {mutation.isPending ? "Resending…" : "Resend"}
    </Button>
  );
}
