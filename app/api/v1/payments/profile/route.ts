import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { getProfile, updateProfile } from "@/lib/services/billing/profile";
import { toProfileJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.getProfile, async ({ ctx }) => toProfileJson(await getProfile({ ctx })));

export const PUT = handle(billingOps.updateProfile, async ({ ctx, body }) =>
  toProfileJson(await updateProfile({ ctx, input: body })),
);
