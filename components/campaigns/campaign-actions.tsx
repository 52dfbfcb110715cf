"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { type CampaignItem, campaignQueries } from "@/lib/queries/campaigns";
import { api } from "@/lib/queries/fetcher";
import { LaunchConfirmDialog } from "./launch-confirm";
import { ResendFailedButton } from "./resend-failed-button";

type Verb = "launch" | "pause" | "resume" | "cancel";

const DONE: Record<Verb, string> = {
  launch: "Launched",
  pause: "Paused",
  resume: "Resumed",
  cancel: "Cancelled",
};

function isPausable(c: CampaignItem): boolean {
  if (c.status === "scheduled") return true;
  return c.status === "running" && (c.stats.queued > 0 || c.stats.targeted === 0);
}

const CANCELLABLE: ReadonlySet<CampaignItem["status"]> = new Set(["draft", "scheduled", "running", "paused"]);

export function CampaignActions({ campaign, userEmail }: { campaign: CampaignItem; userEmail: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [launching, setLaunching] = useState(false);
  const duplicate = useMutation({
    mutationFn: () => api<CampaignItem>(`/campaigns/${campaign.id}/duplicate`, { method: "POST" }),
    onSuccess: (c) => {
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      toast(`Copied into the draft “${c.name}”`);
      router.push(`/campaigns/${c.id}`);
    },
    onError: (e) => toast(e.message, "error"),
  });
  const mutation = useMutation({
    mutationFn: (verb: Verb) => api<CampaignItem>(`/campaigns/${campaign.id}/${verb}`, { method: "POST" }),
    onSuccess: (c, verb) => {
      qc.setQueryData(campaignQueries.detail(c.id).queryKey, c);
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      toast(`${DONE[verb]} “${c.name}”`);
      setConfirming(false);
      setLaunching(false);
    },
    // A 409 usually means the campaign moved on meanwhile (finished, or someone else paused it): show where it is.
    onError: (e) => {
      toast(e.message, "error");
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      setConfirming(false);
      setLaunching(false);
    },
  });
  // A throttled campaign can be "running" with everything already handed over: nothing is left to pause.
  const pausable = isPausable(campaign);
  const busy = mutation.isPending;
  const s = campaign.status;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="campaign-actions">
      {s === "draft" ? (
        <Button onClick={() => setLaunching(true)} disabled={busy} data-testid="campaign-launch-now">
          Launch…
        </Button>
      ) : null}
      {pausable ? (
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
      {s === "completed" ? <ResendFailedButton id={campaign.id} /> : null}
      <Button
        variant="secondary"
        onClick={() => duplicate.mutate()}
        disabled={duplicate.isPending}
        data-testid="campaign-duplicate"
      >
        {duplicate.isPending ? "Copying…" : "Duplicate"}
      </Button>
      {s === "draft" ? (
        <LaunchConfirmDialog
          open={launching}
          onClose={() => setLaunching(false)}
          name={campaign.name}
          userEmail={userEmail}
          pending={busy}
          body={
            campaign.template_id
              ? {
                  channel: campaign.channel,
                  template_id: campaign.template_id,
                  category: campaign.category,
                  audience: campaign.audience,
                  send_at: campaign.send_at,
                  local_time: campaign.local_time,
                }
              : null
          }
          onConfirm={() => mutation.mutate("launch")}
        />
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
