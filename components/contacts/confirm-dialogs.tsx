"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { type ContactItem, contactQueries, listQueries } from "@/lib/queries/contacts";
import { api } from "@/lib/queries/fetcher";

const label = (c: ContactItem) => c.email ?? c.phone ?? c.name ?? "this contact";

function useContactAction(
  path: (c: ContactItem) => string,
  method: string,
  done: (c: ContactItem) => string,
) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (c: ContactItem) => api(path(c), { method }),
    onSuccess: (_r, c) => {
      toast(done(c));
      qc.removeQueries({ queryKey: contactQueries.detail(c.id).queryKey });
      qc.invalidateQueries({ queryKey: contactQueries.all });
      qc.invalidateQueries({ queryKey: listQueries.all });
    },
    onError: (e) => toast(e.message, "error"),
  });
}

export function DeleteContactDialog({ contact, onClose }: { contact: ContactItem; onClose: () => void }) {
  const mutation = useContactAction(
    (c) => `/contacts/${c.id}`,
    "DELETE",
    (c) => `Deleted ${label(c)}`,
  );
  return (
    <Dialog open onClose={onClose} title="Delete contact?" testId="delete-contact-dialog">
      <p className="text-sm text-slate-600">
        <strong>{label(contact)}</strong> will be removed from your contacts and lists. Messages already sent
        keep their recipient and content; to remove those too, use <em>Erase</em> instead.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() => mutation.mutate(contact, { onSuccess: onClose })}
          data-testid="confirm-delete-contact"
        >
          {mutation.isPending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </Dialog>
  );
}

export function EraseContactDialog({ contact, onClose }: { contact: ContactItem; onClose: () => void }) {
  const [confirmed, setConfirmed] = useState(false);
  const mutation = useContactAction(
    (c) => `/contacts/${c.id}/erase`,
    "POST",
    (c) => `Erased ${label(c)}`,
  );
  return (
    <Dialog open onClose={onClose} title="Erase personal data (GDPR)?" testId="erase-contact-dialog">
      <div className="space-y-3 text-sm text-slate-600">
        <p>
          Everything personal about <strong>{label(contact)}</strong> is removed for good: email, phone, name,
          time zone, locale, attributes and list memberships, and the recipient, subject, bodies and variables
          of every message sent to them.
        </p>
        <p>
          Statuses, costs and counts stay, anonymously. Opt-outs for their addresses are kept so they are not
          contacted again. Download an export first if you need one. This cannot be undone.
        </p>
        <label className="flex items-center gap-2 text-slate-800">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
            data-testid="erase-confirm-check"
          />
          I understand this cannot be undone
        </label>
      </div>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={!confirmed || mutation.isPending}
          onClick={() => mutation.mutate(contact, { onSuccess: onClose })}
          data-testid="confirm-erase"
        >
          {mutation.isPending ? "Erasing…" : "Erase"}
        </Button>
      </div>
    </Dialog>
  );
}
