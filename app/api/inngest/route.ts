import { serve } from "inngest/next";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";
import { config } from "@/lib/config";

let served: ReturnType<typeof serve> | undefined;

/**
 * Built on first use, after config() has validated the environment. Inngest is told to call
 * the public URL (APP_URL, or the SDK's own INNGEST_SERVE_ORIGIN) rather than the host and
 * scheme a reverse proxy in front of the app passed on.
 */
function handlers(): ReturnType<typeof serve> {
  const appUrl = config().appUrl;
  served ??= serve({
    client: inngest,
    functions: functions.map((f) => f.inngest),
    serveOrigin: process.env.INNGEST_SERVE_ORIGIN || (appUrl ? new URL(appUrl).origin : undefined),
  });
  return served;
}

// Without INNGEST_SIGNING_KEY or INNGEST_DEV=1 the functions run in-process and
// there is no Inngest server to talk to this route.
function notConfigured(): Response {
  return Response.json(
    { error: { code: "not_found", message: "Inngest is not configured; background work runs in-process" } },
    { status: 404 },
  );
}

type Args = Parameters<ReturnType<typeof serve>["GET"]>;
export const GET = (...args: Args) =>
  config().jobsMode === "inngest" ? handlers().GET(...args) : notConfigured();
export const POST = (...args: Args) =>
  config().jobsMode === "inngest" ? handlers().POST(...args) : notConfigured();
export const PUT = (...args: Args) =>
  config().jobsMode === "inngest" ? handlers().PUT(...args) : notConfigured();
