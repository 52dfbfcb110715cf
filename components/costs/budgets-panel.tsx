"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { type BudgetItem, costQueries } from "@/lib/queries/costs";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { budgetCreate } from "@/lib/validation/costs";
import { fmtMoney } from "./chart-card";

const blank = {
  name: "",
  amount: "",
  currency: "USD",
  channel: "",
  category: "",
  thresholds: "50, 80, 100",
  alert_emails: "",
  hard_stop: false,
};
type Draft = typeof blank;

function toBody(d: Draft) {
  return {
    name: d.name,
    amount: d.amount === "" ? undefined : Number(d.amount),
    currency: d.currency,
    period: "month",
    channel: d.channel || null,
    category: d.category.trim() || null,
    thresholds: d.thresholds
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
    alert_emails: d.alert_emails.split(/[\s,]+/).filter(Boolean),
    hard_stop: d.hard_stop,
  };
}

function fromBudget(b: BudgetItem): Draft {
  return {
    name: b.name,
    amount: String(b.amount),
    currency: b.currency,
    channel: b.channel ?? "",
    category: b.category ?? "",
    thresholds: b.thresholds.join(", "),
    alert_emails: b.alert_emails.join(", "),
    hard_stop: b.hard_stop,
  };
}

/** The budgets list and, for managers and admins, the form to create and change them. */
export function BudgetsPanel({ budgets, canWrite }: { budgets: BudgetItem[]; canWrite: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(blank);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const invalidate = () => qc.invalidateQueries({ queryKey: costQueries.all });
  const save = useMutation({
    mutationFn: (body: ReturnType<typeof toBody>) =>
      editing
        ? api(`/budgets/${editing}`, { method: "PATCH", body })
        : api("/budgets", { method: "POST", body }),
    onSuccess: () => {
      toast(editing ? "Budget saved" : "Budget created");
      setDraft(blank);
      setEditing(null);
      setErrors({});
      invalidate();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { form: e.message, ...e.fields } : { form: String(e) }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/budgets/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast("Budget deleted");
      invalidate();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const body = toBody(draft);
    const parsed = budgetCreate.safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    save.mutate(body);
  }
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  return (
    <div className="space-y-4">
      {budgets.length > 0 ? (
        <Table
          testId="budgets-table"
          head={["Budget", "Scope", "Amount", "Spent", "Remaining", "Alerts sent", "Hard stop", ""]}
        >
          {budgets.map((b) => (
            <tr key={b.id} data-testid="budget-row">
              <Td>
                <span className="font-medium text-slate-900">{b.name}</span>
                <p className="text-xs text-slate-500">{b.projection}</p>
              </Td>
              <Td>{[b.channel ?? "all channels", b.category ?? "all categories"].join(" · ")}</Td>
              <Td className="text-right tabular-nums">{fmtMoney(b.amount, b.currency)}</Td>
              <Td className="text-right tabular-nums">{fmtMoney(b.spent, b.currency)}</Td>
              <Td className={`text-right tabular-nums ${b.remaining < 0 ? "text-rose-700" : ""}`}>
                {fmtMoney(b.remaining, b.currency)}
              </Td>
              <Td>{b.alerts_sent.map((a) => `${a.threshold} %`).join(", ") || "—"}</Td>
              <Td>{b.hard_stop ? "Yes (marketing)" : "No"}</Td>
              <Td>
                {canWrite ? (
                  <span className="flex gap-2">
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => {
                        setEditing(b.id);
                        setDraft(fromBudget(b));
                        setErrors({});
                      }}
                    >
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => remove.mutate(b.id)}
                      disabled={remove.isPending}
                    >
                      Delete
                    </Button>
                  </span>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      ) : null}
      {canWrite ? (
        <form
          onSubmit={submit}
          noValidate
          className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
          data-testid="budget-form"
        >
          <h3 className="text-sm font-semibold text-slate-900">
            {editing ? "Change budget" : "New monthly budget"}
          </h3>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <TextField
              label="Name"
              name="name"
              value={draft.name}
              onChange={set("name")}
              error={errors.name}
            />
            <TextField
              label="Amount per month"
              name="amount"
              inputMode="decimal"
              value={draft.amount}
              onChange={set("amount")}
              error={errors.amount}
            />
            <TextField
              label="Currency"
              name="currency"
              value={draft.currency}
              onChange={set("currency")}
              error={errors.currency}
            />
            <SelectField
              label="Channel"
              name="channel"
              value={draft.channel}
              onChange={set("channel")}
              error={errors.channel}
              options={[
                { value: "", label: "All channels" },
                { value: "sms", label: "SMS" },
                { value: "email", label: "Email" },
              ]}
            />
            <TextField
              label="Category (optional)"
              name="category"
              value={draft.category}
              onChange={set("category")}
              error={errors.category}
              hint="e.g. marketing; empty for all"
            />
            <TextField
              label="Alert thresholds (%)"
              name="thresholds"
              value={draft.thresholds}
              onChange={set("thresholds")}
              error={
                errors.thresholds ?? Object.entries(errors).find(([k]) => k.startsWith("thresholds."))?.[1]
              }
            />
            <TextField
              label="Alert emails"
              name="alert_emails"
              value={draft.alert_emails}
              onChange={set("alert_emails")}
              error={
                errors.alert_emails ??
                Object.entries(errors).find(([k]) => k.startsWith("alert_emails."))?.[1]
              }
              hint="Comma separated"
            />
            <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name="hard_stop"
                checked={draft.hard_stop}
                onChange={(e) => setDraft({ ...draft, hard_stop: e.target.checked })}
              />
              Hard stop: refuse marketing that no longer fits (OTP and transactional always go)
            </label>
          </div>
          {errors.form ? (
            <p className="text-sm text-rose-700" role="alert">
              {errors.form}
            </p>
          ) : null}
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending} data-testid="budget-save">
              {save.isPending ? "Saving…" : editing ? "Save budget" : "Create budget"}
            </Button>
            {editing ? (
              <Button
                variant="secondary"
                onClick={() => {
                  setEditing(null);
                  setDraft(blank);
                  setErrors({});
                }}
              >
                Cancel
              </Button>
            ) : null}
          </div>
        </form>
      ) : (
        <p className="text-sm text-slate-500" data-testid="budgets-read-only">
          Budgets are changed by managers and admins; you can see them here.
        </p>
      )}
    </div>
  );
}
