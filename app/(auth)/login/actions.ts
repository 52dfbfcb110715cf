"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { credentialsSchema, retryAfterFromCode, signIn } from "@/lib/auth/nextauth";

export interface LoginState {
  fields?: Record<string, string>;
  error?: string;
  email?: string;
}

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get("email") ?? "");
  const parsed = credentialsSchema.safeParse({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0])] ??= i.message;
    return { fields, email };
  }
  const next = String(form.get("next") ?? "");
  try {
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard",
    });
    return {};
  } catch (e) {
    if (e instanceof CredentialsSignin) {
      const wait = retryAfterFromCode(e.code);
      if (wait !== null) {
        return { email, error: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} min.` };
      }
      return { email, error: "Email or password is incorrect." };
    }
    if (e instanceof AuthError) return { email, error: "Sign-in failed. Try again." };
    throw e; // the success redirect
  }
}
