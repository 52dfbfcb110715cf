import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { optIn } from "@/lib/services/consent/opt-outs";

export const POST = handle(consentOps.optIn, ({ ctx, body }) =>
  optIn({ ctx, input: body, source: ctx.actor.type === "user" ? "console" : "api" }),
);
