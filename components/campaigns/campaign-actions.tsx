"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { type CampaignItem, campaignQueries } from "@/lib/queries/campaigns";
import { api } from "@/lib/queries/fetcher";

type Verb = "launch" | "pause" | "resume" | "cancel";

const DONE: Record<Verb, string> = {
  launch: "Launched",
  pause: "Paused",
  resume: "Resumed",
  cancel: "Cancelled",
};

const CANCELLABLE: ReadonlySet<CampaignItem["status"]> = new Set(["draft", "scheduled", "running", "paused"]);

export function CampaignActions({ campaign }: { campaign: CampaignItem }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const mutation = useMutation({
    mutationFn: (verb: Verb) => api<CampaignItem>(`/campaigns/${campaign.id}/${verb}`, { method: "POST" }),
    onSuccess: (c, verb) => {
      qc.setQueryData(campaignQueries.detail(c.id).queryKey, c);
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      toast(`${DONE[verb]} “${c.name}”`);
      setConfirming(false);
    },
    // A 409 usually means the campaign moved on meanwhile (finished, or someone else paused it): show where it is.
    onError: (e) => {
      toast(e.message, "error");
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      setConfirming(false);
    },
  });
  const busy = mutation.isPending;
  const s = campaign.status;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="campaign-actions">
      {s === "draft" ? (
        <Button onClick={() => mutation.mutate("launch")} disabled={busy} data-testid="campaign-launch-now">
          {busy && mutation.variables === "launch" ? "Launching…" : "Launch"}
        </Button>
      ) : null}
      {s === "running" || s === "scheduled" ? (
        <Button
          variant="secondary"
          onClick={() => mutation.mutate("pause")}
          disabled={busy}
          data-testid="campaign-pause"
        >
          {busy && mutation.variables === "pause" ? "Pausing…" : "Pause"}
        </Button>
      ) : null}
      {s === "paused" ? (
        <Button onClick={() => mutation.mutate("resume")} disabled={busy} data-testid="campaign-resume">
          {busy && mutation.variables === "resume" ? "Resuming…" : "Resume"}
        </Button>
      ) : null}
      {CANCELLABLE.has(s) ? (
        <Button
          variant="ghost"
          className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
          onClick={() => setConfirming(true)}
          disabled={busy}
          data-testid="campaign-cancel"
        >
          Cancel campaign
        </Button>
      ) : null}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Cancel this campaign?"
        testId="cancel-campaign-dialog"
      >
        <p className="text-sm text-slate-600">
          <strong>{campaign.name}</strong> stops for good: messages not yet handed to a provider are cancelled
          and will not be sent. Messages already sent stay sent. To stop only for a while, pause it instead.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirming(false)} data-testid="keep-campaign">
            Keep it
          </Button>
          <Button
            variant="danger"
            onClick={() => mutation.mutate("cancel")}
            disabled={busy}
            data-testid="confirm-cancel-campaign"
          >
            {busy && mutation.variables === "cancel" ? "Cancelling…" : "Cancel campaign"}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
