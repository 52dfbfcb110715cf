"use client";

import { useActionState } from "react";
import { changePasswordAction, type PasswordState } from "@/app/(console)/settings/account/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function PasswordForm() {
  const [state, action, pending] = useActionState<PasswordState, FormData>(changePasswordAction, {});
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate data-testid="password-form">
      {state.error ? (
        <p className="text-sm text-rose-600" role="alert">
          {state.error}
        </p>
      ) : null}
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        error={f.current_password}
        data-testid="current-password"
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        error={f.new_password}
        data-testid="new-password"
      />
      <TextField
        label="New password again"
        name="confirm_password"
        type="password"
        autoComplete="new-password"
        error={f.confirm_password}
        data-testid="confirm-password"
      />
      <Button type="submit" disabled={pending} data-testid="change-password">
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
