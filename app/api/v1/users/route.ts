import { handle } from "@/lib/api/handler";
import { userOps } from "@/lib/api/ops/users";
import { addMember, listMembers } from "@/lib/services/users/members";
import { toMemberJson } from "@/lib/validation/users";

export const GET = handle(userOps.list, async ({ ctx }) => ({
  data: (await listMembers({ ctx })).map(toMemberJson),
  next_cursor: null,
}));

export const POST = handle(userOps.create, async ({ ctx, body }) =>
  toMemberJson(await addMember({ ctx, input: body })),
);
