import { handle } from "@/lib/api/handler";
import { listOps } from "@/lib/api/ops/contacts";
import { createList, listLists } from "@/lib/services/contacts/lists";
import { toListJson } from "@/lib/validation/contacts";

export const GET = handle(listOps.list, async ({ ctx, query }) => {
  const page = await listLists({ ctx, input: query });
  return { data: page.data.map(toListJson), next_cursor: page.nextCursor };
});

export const POST = handle(listOps.create, async ({ ctx, body }) =>
  toListJson(await createList({ ctx, input: body })),
);
