"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { api } from "@/lib/queries/fetcher";
import { type TemplateItem, templateQueries } from "@/lib/queries/templates";

export function DeleteTemplateDialog({
  template,
  open,
  onClose,
}: {
  template: TemplateItem;
  open: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: () => api(`/templates/${template.id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast(`Deleted ${template.name}`);
      // Removed rather than invalidated: a refetch of the detail would only answer 404.
      qc.removeQueries({ queryKey: templateQueries.detail(template.id).queryKey });
      qc.removeQueries({ queryKey: templateQueries.versions(template.id).queryKey });
      qc.invalidateQueries({ queryKey: templateQueries.all });
      router.push("/templates");
    },
    onError: (e) => toast(e.message, "error"),
  });

  return (
    <Dialog open={open} onClose={onClose} title="Delete template?" testId="delete-template-dialog">
      <p className="text-sm text-slate-600">
        <strong>{template.name}</strong> and its {template.version} version{template.version === 1 ? "" : "s"}{" "}
        will be deleted. Messages already sent keep their content. This cannot be undone.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() => mutation.mutate()}
          data-testid="confirm-delete"
        >
          {mutation.isPending ? "Deleting…" : "Delete"}
        </Button>
      </div>
    </Dialog>
  );
}
