import { handle } from "@/lib/api/handler";
import { listOps } from "@/lib/api/ops/contacts";
import { addMembers, listMembersOf, removeMembers } from "@/lib/services/contacts/lists";
import { toContactJson } from "@/lib/validation/contacts";

export const GET = handle(listOps.members, async ({ ctx, params, query }) => {
  const page = await listMembersOf({ ctx, id: params.id, input: query });
  return { data: page.data.map(toContactJson), next_cursor: page.nextCursor };
});

export const POST = handle(listOps.addMembers, ({ ctx, params, body }) =>
  addMembers({ ctx, id: params.id, contactIds: body.contact_ids }),
);

export const DELETE = handle(listOps.removeMembers, ({ ctx, params, body }) =>
  removeMembers({ ctx, id: params.id, contactIds: body.contact_ids }),
);
