"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatCost } from "@/components/messages/format";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { campaignQueries, type DryRunBody, type DryRunResult } from "@/lib/queries/campaigns";
import { ApiError, api } from "@/lib/queries/fetcher";
import type { MessageItem } from "@/lib/queries/messages";
import { BudgetFit } from "./budget-fit";
import { formatCount } from "./format";

const REASONS: Record<string, string> = {
  opted_out: "opted out",
  suppressed: "suppressed (bounced or complained)",
  missing_variables: "missing template variables",
  message_too_long: "message too long for SMS",
  invalid_phone: "invalid phone number",
  invalid_email: "invalid email address",
};

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The dry run in words: who receives it, who is skipped and why, who waits. */
export function DryRunSummary({ result }: { result: DryRunResult }) {
  const skipped = Object.entries(result.skipped_by_reason).sort((a, b) => b[1] - a[1]);
  const missing = Object.entries(result.missing_variables).sort((a, b) => b[1] - a[1]);
  return (
    <div className="space-y-3 text-sm text-slate-700" data-testid="dry-run">
      <p>
        <span className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="dry-run-receive">
          {formatCount(result.will_receive)}
        </span>{" "}
        of {plural(result.targeted, "contact")} will receive it
        {result.currency !== null ? (
          <>
            {" "}
            · estimated cost{" "}
            <strong data-testid="dry-run-cost">{formatCost(result.estimated_cost, result.currency)}</strong>
          </>
        ) : null}
        .
      </p>
      {skipped.length ? (
        <div className="rounded-md bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="dry-run-skipped">
          <p className="font-medium text-amber-900">{plural(result.skipped, "recipient")} will be skipped:</p>
          <ul className="mt-1 list-disc pl-5 text-amber-900">
            {skipped.map(([reason, n]) => (
              <li key={reason} data-testid="dry-run-reason" data-reason={reason}>
                {formatCount(n)} {REASONS[reason] ?? reason.replaceAll("_", " ")}
                {reason === "missing_variables" && missing.length ? (
                  <span>
                    {" "}
                    — {missing.map(([name, count]) => `{{${name}}} (${formatCount(count)})`).join(", ")}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.quiet_hours_deferred > 0 ? (
        <p data-testid="dry-run-deferred">
          {plural(result.quiet_hours_deferred, "recipient")}{" "}
          {result.quiet_hours_deferred === 1 ? "is" : "are"} in quiet hours and will get it when they end in
          their own time zone.
        </p>
      ) : null}
      {result.scheduled > 0 ? (
        <p>{plural(result.scheduled, "message")} will wait for the scheduled time.</p>
      ) : null}
      {result.budgets.length ? <BudgetFit result={result} /> : null}
    </div>
  );
}

function TestSend({ body, defaultTo }: { body: DryRunBody; defaultTo: string }) {
  const [to, setTo] = useState(body.channel === "email" ? defaultTo : "");
  const [error, setError] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: () =>
      api<{ message: MessageItem; sample_contact: string | null; missing_variables: string[] }>(
        "/campaigns/test-send",
        {
          method: "POST",
          body: { channel: body.channel, template_id: body.template_id, audience: body.audience, to },
        },
      ),
    onMutate: () => setError(undefined),
    onError: (e) => setError(e instanceof ApiError ? (e.fields.to ?? e.message) : e.message),
  });
  const sent = mutation.data;
  return (
    <div className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200" data-testid="test-send">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <TextField
            label={body.channel === "email" ? "Send a test to" : "Send a test SMS to"}
            name="test_to"
            type={body.channel === "email" ? "email" : "tel"}
            value={to}
            placeholder={body.channel === "email" ? "you@example.com" : "+12025550123"}
            onChange={(e) => setTo(e.target.value)}
            error={error}
            data-testid="test-send-to"
          />
        </div>
        <Button
          variant="secondary"
          onClick={() => mutation.mutate()}
          disabled={mutation.isPending || !to.trim()}
          data-testid="test-send-button"
        >
          {mutation.isPending ? "Sending…" : "Send test"}
        </Button>
      </div>
      {sent ? (
        <p className="mt-2 text-xs text-slate-600" data-testid="test-send-done">
          Test sent to {sent.message.to}
          {sent.sample_contact ? `, filled in for ${sent.sample_contact}` : ""}.{" "}
          <Link href={`/messages/${sent.message.id}`} className="text-indigo-700 hover:underline">
            Open it
          </Link>
          {sent.missing_variables.length ? ` (that contact lacks ${sent.missing_variables.join(", ")})` : ""}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Launch asks first: the dialog dry-runs the audience against the template and
 * names the numbers; nothing goes when nobody would receive it.
 */
export function LaunchConfirmDialog({
  open,
  onClose,
  body,
  onConfirm,
  pending,
  userEmail,
  name,
}: {
  open: boolean;
  onClose: () => void;
  body: DryRunBody | null;
  onConfirm: () => void;
  pending: boolean;
  userEmail: string;
  name: string;
}) {
  const query = useQuery({ ...campaignQueries.dryRun(open ? body : null) });
  const result = query.data;
  const nobody = result !== undefined && result.will_receive === 0;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Launch “${name || "this campaign"}”?`}
      testId="launch-dialog"
      wide
    >
      <div className="space-y-4">
        {query.isPending ? (
          <div data-testid="dry-run-loading">
            <p className="mb-2 text-sm text-slate-500">Checking every recipient against the template…</p>
            <LoadingRows rows={2} />
          </div>
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : (
          <DryRunSummary result={query.data} />
        )}
        {nobody ? (
          <p className="rounded-md bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200" role="alert">
            Nobody would receive this campaign. Fix the template or the audience first.
          </p>
        ) : null}
        {body ? <TestSend body={body} defaultTo={userEmail} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={onClose} data-testid="launch-dialog-cancel">
            Not yet
          </Button>
          <Button
            onClick={onConfirm}
            disabled={pending || !result || nobody}
            data-testid="launch-dialog-confirm"
          >
            {pending
              ? "Launching…"
              : result
                ? `Send to ${plural(result.will_receive, "recipient")}`
                : "Launch"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
