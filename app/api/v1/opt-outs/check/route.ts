import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { checkOptOut } from "@/lib/services/consent/opt-outs";

export const GET = handle(consentOps.check, ({ ctx, query }) => checkOptOut({ ctx, input: query }));
