"use server";

import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/context";
import { signIn } from "@/lib/auth/nextauth";
import { isAppError } from "@/lib/errors";
import { changeOwnPassword } from "@/lib/services/users/password";
import { passwordChange } from "@/lib/validation/users";

export interface PasswordState {
  fields?: Record<string, string>;
  error?: string;
}

/** Changes the signed-in person's password, then signs this browser in again; other sessions end. */
export async function changePasswordAction(_prev: PasswordState, form: FormData): Promise<PasswordState> {
  const session = await getSession();
  if (!session) redirect("/login");
  const parsed = passwordChange.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0])] ??= i.message;
    return { fields };
  }
  try {
    await changeOwnPassword({ ctx: session.ctx, input: parsed.data });
  } catch (e) {
    if (isAppError(e) && Array.isArray(e.details)) {
      const fields: Record<string, string> = {};
      for (const d of e.details as { field: string; message: string }[]) fields[d.field] ??= d.message;
      return { fields };
    }
    if (isAppError(e)) return { error: e.message };
    throw e;
  }
  // The change ended every session, this one too: sign this browser in with the new password.
  await signIn("credentials", {
    email: session.user.email,
    password: parsed.data.new_password,
    redirectTo: "/settings/account?changed=1",
  });
  return {};
}
