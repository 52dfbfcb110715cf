"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { type MessageItem, messageQueries } from "@/lib/queries/messages";

export function CancelMessageDialog({
  message,
  onClose,
}: {
  message: MessageItem | null;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (id: string) => api<MessageItem>(`/messages/${id}/cancel`, { method: "POST" }),
    onSuccess: (m) => {
      toast(`Cancelled the ${m.channel === "sms" ? "SMS" : "email"} to ${m.to}`);
      qc.invalidateQueries({ queryKey: messageQueries.all });
      onClose();
    },
    // A 409 here usually means the message started sending meanwhile; the refetch shows where it is.
    onError: (e) => {
      toast(e.message, "error");
      qc.invalidateQueries({ queryKey: messageQueries.all });
      onClose();
    },
  });
  return (
    <Dialog open={message !== null} onClose={onClose} title="Cancel this message?" testId="cancel-dialog">
      <p className="text-sm text-slate-600">
        The {message?.channel === "sms" ? "SMS" : "email"} to <strong>{message?.to}</strong> will not be sent.
        A message that has already started sending cannot be cancelled.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Keep it
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() => message && mutation.mutate(message.id)}
          data-testid="confirm-cancel"
        >
          {mutation.isPending ? "Cancelling…" : "Cancel message"}
        </Button>
      </div>
    </Dialog>
  );
}
