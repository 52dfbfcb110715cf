import { serve } from "inngest/next";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";
import { config } from "@/lib/config";

const served = serve({ client: inngest, functions: functions.map((f) => f.inngest) });

// Without INNGEST_SIGNING_KEY or INNGEST_DEV=1 the functions run in-process and
// there is no Inngest server to talk to this route.
function notConfigured(): Response {
  return Response.json(
    { error: { code: "not_found", message: "Inngest is not configured; background work runs in-process" } },
    { status: 404 },
  );
}

type Args = Parameters<typeof served.GET>;
export const GET = (...args: Args) =>
  config().jobsMode === "inngest" ? served.GET(...args) : notConfigured();
export const POST = (...args: Args) =>
  config().jobsMode === "inngest" ? served.POST(...args) : notConfigured();
export const PUT = (...args: Args) =>
  config().jobsMode === "inngest" ? served.PUT(...args) : notConfigured();
