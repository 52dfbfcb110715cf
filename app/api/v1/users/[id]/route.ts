import { handle } from "@/lib/api/handler";
import { userOps } from "@/lib/api/ops/users";
import { changeMemberRole, getMemberInOrg, removeMember } from "@/lib/services/users/members";
import { toMemberJson } from "@/lib/validation/users";

export const GET = handle(userOps.get, async ({ ctx, params }) =>
  toMemberJson(await getMemberInOrg(ctx, params.id)),
);

export const PATCH = handle(userOps.update, async ({ ctx, params, body }) =>
  toMemberJson(await changeMemberRole({ ctx, userId: params.id, input: body })),
);

export const DELETE = handle(userOps.remove, async ({ ctx, params }) => {
  await removeMember({ ctx, userId: params.id });
});
