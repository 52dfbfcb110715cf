import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { deleteContact, getContact, updateContact } from "@/lib/services/contacts/contacts";
import { toContactJson } from "@/lib/validation/contacts";

export const GET = handle(contactOps.get, async ({ ctx, params }) => {
  const { contact, listIds } = await getContact({ ctx, id: params.id });
  return { ...toContactJson(contact), list_ids: listIds };
});

export const PATCH = handle(contactOps.update, async ({ ctx, params, body }) =>
  toContactJson(await updateContact({ ctx, id: params.id, input: body })),
);

export const DELETE = handle(contactOps.remove, async ({ ctx, params }) => {
  await deleteContact({ ctx, id: params.id });
});
