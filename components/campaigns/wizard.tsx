"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { type CampaignItem, campaignQueries } from "@/lib/queries/campaigns";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { type CampaignCreate, campaignCreate } from "@/lib/validation/campaigns";
import { LaunchConfirmDialog } from "./launch-confirm";
import { AudienceStep } from "./wizard-audience";
import { ReviewPanel, ScheduleStep } from "./wizard-schedule";
import {
  buildPayload,
  EMPTY_WIZARD,
  firstStepWithError,
  type SetField,
  STEPS,
  type StepIndex,
  stepOfField,
  type WizardState,
  wizardErrors,
} from "./wizard-state";
import { BasicsStep, ContentStep } from "./wizard-steps";

/** Fields some step shows beside its input; anything else the API reports is listed above the wizard. */
const SHOWN =
  /^(name|channel|category|template_id|audience|audience\.list_ids(\..*)?|audience\.filter(\..*)?|send_at|local_time|throttle_per_minute|variants(\..*)?|ab_test(\..*)?)$/;

type Validation = { ok: true; data: CampaignCreate } | { ok: false; errors: Record<string, string> };

function validate(state: WizardState): Validation {
  const parsed = campaignCreate.safeParse(buildPayload(state));
  // The wizard's own checks word an empty pick as missing, so they win over the schema's "malformed".
  const errors = { ...(parsed.success ? {} : fieldErrors(parsed.error.issues)), ...wizardErrors(state) };
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, data: parsed.data };
  return { ok: false, errors };
}

function StepIndicator({
  step,
  reached,
  errors,
  onGo,
}: {
  step: StepIndex;
  reached: StepIndex;
  errors: Record<string, string>;
  onGo: (s: StepIndex) => void;
}) {
  const withErrors = new Set(Object.keys(errors).map(stepOfField));
  return (
    <nav aria-label="Campaign wizard steps" className="mb-6">
      <ol className="grid grid-cols-4 gap-2" data-testid="wizard-steps">
        {STEPS.map((label, i) => {
          const index = i as StepIndex;
          const state = index === step ? "current" : index < step || index <= reached ? "done" : "todo";
          const hasError = withErrors.has(index);
          return (
            <li key={label}>
              <button
                type="button"
                disabled={index > reached}
                onClick={() => onGo(index)}
                aria-current={index === step ? "step" : undefined}
                data-testid={`wizard-step-${index + 1}`}
                data-state={state}
                className={`flex w-full items-center gap-2 border-t-4 pt-2 text-left text-sm disabled:cursor-not-allowed ${
                  hasError
                    ? "border-rose-500 text-rose-700"
                    : state === "current"
                      ? "border-indigo-600 font-semibold text-indigo-700"
                      : state === "done"
                        ? "border-indigo-300 text-slate-700 hover:text-indigo-700"
                        : "border-slate-200 text-slate-400"
                }`}
              >
                <span
                  className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                    state === "current" ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-600"
                  }`}
                >
                  {index + 1}
                </span>
                {label}
                {hasError ? <span className="sr-only"> (has errors)</span> : null}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

export function CampaignWizard({ userEmail }: { userEmail: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const toast = useToast();
  const [state, setState] = useState<WizardState>(EMPTY_WIZARD);
  const [step, setStep] = useState<StepIndex>(0);
  const [reached, setReached] = useState<StepIndex>(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<CampaignCreate | null>(null);

  const set: SetField = (key, value) => setState((s) => ({ ...s, [key]: value }));

  function goTo(next: StepIndex) {
    setStep(next);
    setReached((r) => (next > r ? next : r));
  }

  const mutation = useMutation({
    mutationFn: async ({ body, launch }: { body: CampaignCreate; launch: boolean }) => {
      const created = await api<CampaignItem>("/campaigns", { method: "POST", body });
      if (!launch) return { campaign: created, launchError: null };
      try {
        const launched = await api<CampaignItem>(`/campaigns/${created.id}/launch`, { method: "POST" });
        return { campaign: launched, launchError: null };
      } catch (e) {
        // The draft exists now: send the user to it (its page can launch again) rather than create a second one.
        return { campaign: created, launchError: e instanceof Error ? e.message : String(e) };
      }
    },
    onSuccess: ({ campaign, launchError }, { launch }) => {
      qc.setQueryData(campaignQueries.detail(campaign.id).queryKey, campaign);
      qc.invalidateQueries({ queryKey: campaignQueries.all });
      if (launchError) toast(`Saved as a draft, but it could not be launched: ${launchError}`, "error");
      else toast(launch ? `Launched “${campaign.name}”` : `Saved “${campaign.name}” as a draft`);
      router.push(`/campaigns/${campaign.id}`);
    },
    onError: (e) => {
      setConfirming(null);
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        setErrors(e.fields);
        setFormError(e.message);
        const first = firstStepWithError(e.fields);
        if (first !== null) setStep(first);
      } else {
        setFormError(e.message);
      }
    },
  });

  function changeChannel(channel: WizardState["channel"]) {
    // Templates belong to one channel; lists and filters do not.
    setState((s) => ({
      ...s,
      channel,
      templateId: "",
      variants: s.variants.map((v) => ({ ...v, templateId: "" })),
    }));
    setErrors(({ template_id: _, ...rest }) => rest);
  }

  function next(e?: FormEvent<HTMLFormElement>) {
    e?.preventDefault();
    if (step === 3) return;
    const result = validate(state);
    const own = result.ok
      ? {}
      : Object.fromEntries(Object.entries(result.errors).filter(([field]) => stepOfField(field) === step));
    setErrors(own);
    setFormError(null);
    if (Object.keys(own).length === 0) goTo((step + 1) as StepIndex);
  }

  function submit(launch: boolean) {
    const result = validate(state);
    setFormError(null);
    if (!result.ok) {
      setErrors(result.errors);
      const first = firstStepWithError(result.errors);
      if (first !== null) setStep(first);
      return;
    }
    setErrors({});
    // Launch asks first, with the dry run's numbers; a draft saves at once.
    if (launch) setConfirming(result.data);
    else mutation.mutate({ body: result.data, launch });
  }

  const busy = mutation.isPending || mutation.isSuccess;
  const unshown = Object.entries(errors).filter(([field]) => !SHOWN.test(field));

  return (
    <form onSubmit={next} noValidate data-testid="campaign-wizard" data-step={step + 1}>
      <StepIndicator step={step} reached={reached} errors={errors} onGo={goTo} />
      {formError || unshown.length > 0 ? (
        <div
          className="mb-4 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800"
          role="alert"
          data-testid="wizard-error"
        >
          {formError ? <p>{formError}</p> : null}
          {unshown.map(([field, message]) => (
            <p key={field}>
              {field} {message}
            </p>
          ))}
        </div>
      ) : null}
      <section
        className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
        aria-labelledby="wizard-step-title"
      >
        <h2 id="wizard-step-title" className="mb-4 text-base font-semibold text-slate-900">
          {step + 1}. {STEPS[step]}
        </h2>
        {step === 0 ? <BasicsStep state={state} set={set} errors={errors} onChannel={changeChannel} /> : null}
        {step === 1 ? <ContentStep state={state} set={set} errors={errors} /> : null}
        {step === 2 ? <AudienceStep state={state} set={set} errors={errors} /> : null}
        {step === 3 ? (
          <div className="space-y-6">
            <ScheduleStep state={state} set={set} errors={errors} />
            <ReviewPanel state={state} onEdit={goTo} />
          </div>
        ) : null}
      </section>
      <div className="mt-4 flex items-center justify-between gap-2">
        <div>
          {step > 0 ? (
            <Button
              variant="secondary"
              onClick={() => setStep((step - 1) as StepIndex)}
              disabled={busy}
              data-testid="wizard-back"
            >
              ← Back
            </Button>
          ) : null}
        </div>
        <div className="flex gap-2">
          {step < 3 ? (
            <Button type="submit" data-testid="wizard-next">
              Next: {STEPS[step + 1]} →
            </Button>
          ) : (
            <>
              <Button
                variant="secondary"
                onClick={() => submit(false)}
                disabled={busy}
                data-testid="campaign-save-draft"
              >
                {mutation.isPending && !mutation.variables?.launch ? "Saving…" : "Save draft"}
              </Button>
              <Button onClick={() => submit(true)} disabled={busy} data-testid="campaign-launch">
                {mutation.isPending && mutation.variables?.launch ? "Launching…" : "Create and launch"}
              </Button>
            </>
          )}
        </div>
      </div>
      <LaunchConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        name={state.name}
        userEmail={userEmail}
        pending={mutation.isPending}
        body={
          confirming
            ? {
                channel: confirming.channel,
                template_id: confirming.template_id ?? confirming.variants?.[0]?.template_id ?? "",
                category: confirming.category,
                audience: confirming.audience,
                send_at: confirming.send_at ?? null,
                local_time: confirming.local_time,
              }
            : null
        }
        onConfirm={() => confirming && mutation.mutate({ body: confirming, launch: true })}
      />
    </form>
  );
}
