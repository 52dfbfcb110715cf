import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/api/handler";
import { handlers, retryAfterFromCode } from "@/lib/auth/nextauth";
import { AppError } from "@/lib/errors";

export const GET = handlers.GET;

/** Auth.js answers a refused sign-in with a redirect; a rate-limited one becomes a real 429. */
export async function POST(req: NextRequest): Promise<Response> {
  const res = await handlers.POST(req);
  let target = res.headers.get("location");
  if (!target && res.headers.get("content-type")?.includes("application/json")) {
    const body = (await res.clone().json()) as { url?: string };
    target = body.url ?? null;
  }
  if (target) {
    const retryAfter = retryAfterFromCode(new URL(target, req.url).searchParams.get("code"));
    if (retryAfter !== null) return errorResponse(AppError.rateLimited(retryAfter));
  }
  return res;
}
