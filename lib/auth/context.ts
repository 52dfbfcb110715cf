import { cookies, headers } from "next/headers";
import { clientIp } from "@/lib/auth/ip";
import { AppError } from "@/lib/errors";
import { authenticateApiKey } from "@/lib/services/api-keys/keys";
import { findUser, membershipsOf, type UserMembership } from "@/lib/services/auth/memberships";
import type { Ctx } from "@/lib/services/context";
import { limitApiCall } from "@/lib/services/rate-limit";

export const ACTIVE_ORG_COOKIE = "sb_org";
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export interface SessionState {
  user: { id: string; email: string; name: string | null };
  memberships: UserMembership[];
  active: UserMembership;
  ctx: Ctx;
}

/** The signed-in user, their organisations and the active one; null when not signed in or in none. */
export async function getSession(): Promise<SessionState | null> {
  const { auth } = await import("@/lib/auth/nextauth");
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const found = await findUser(userId);
  // Signed in before a password change: this session is over.
  if (!found || found.sessionVersion !== (session?.sessionVersion ?? 0)) return null;
  const user = { id: found.id, email: found.email, name: found.name };
  const memberships = await membershipsOf(userId);
  const wanted = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  const active = memberships.find((m) => m.orgId === wanted) ?? memberships[0];
  if (!active) return null;
  const ip = clientIp(await headers());
  return {
    user,
    memberships,
    active,
    ctx: {
      orgId: active.orgId,
      role: active.role,
      actor: { type: "user", id: user.id, label: user.email },
      ip,
    },
  };
}

/**
 * Authenticates an API request: `Authorization: Bearer <key>` first, else the
 * browser session. Counts the call against the per-key (or per-user) rate limit.
 */
export async function requestContext(req: Request): Promise<Ctx> {
  const ip = clientIp(req.headers);
  const authorization = req.headers.get("authorization");
  if (authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const ctx = m?.[1] ? await authenticateApiKey(m[1], ip) : null;
    if (!ctx) throw AppError.unauthenticated("Unknown, revoked or malformed API key");
    await limitApiCall(ctx.actor.id ?? "");
    return ctx;
  }
  const cookieHeader = req.headers.get("cookie") ?? "";
  if (!SESSION_COOKIES.some((name) => cookieHeader.includes(`${name}=`))) {
    throw AppError.unauthenticated("Send Authorization: Bearer <API key>");
  }
  // A browser session may only change things from our own pages.
  const site = req.headers.get("sec-fetch-site");
  if (req.method !== "GET" && req.method !== "HEAD" && site && site !== "same-origin") {
    throw AppError.forbidden("Cross-site request refused");
  }
  const session = await getSession();
  if (!session) throw AppError.unauthenticated();
  await limitApiCall(`user:${session.user.id}`);
  return session.ctx;
}
