import { handle } from "@/lib/api/handler";
import { listOps } from "@/lib/api/ops/contacts";
import { deleteList, getList, updateList } from "@/lib/services/contacts/lists";
import { toListJson } from "@/lib/validation/contacts";

export const GET = handle(listOps.get, async ({ ctx, params }) =>
  toListJson(await getList({ ctx, id: params.id })),
);

export const PATCH = handle(listOps.update, async ({ ctx, params, body }) =>
  toListJson(await updateList({ ctx, id: params.id, input: body })),
);

export const DELETE = handle(listOps.remove, async ({ ctx, params }) => {
  await deleteList({ ctx, id: params.id });
});
