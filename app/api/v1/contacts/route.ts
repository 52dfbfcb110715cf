import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { listContacts, upsertContact } from "@/lib/services/contacts/contacts";
import { attributeFilters, toContactJson } from "@/lib/validation/contacts";

export const GET = handle(contactOps.list, async ({ ctx, query, req }) => {
  const attributes = attributeFilters(query.filter, new URL(req.url));
  const page = await listContacts({ ctx, input: query, attributes });
  return { data: page.data.map(toContactJson), next_cursor: page.nextCursor };
});

/** Upsert: 201 when a contact was created, 200 when an existing one (same email or phone) was updated. */
export const POST = handle(contactOps.create, async ({ ctx, body }) => {
  const { contact, created } = await upsertContact({ ctx, input: body });
  return Response.json(toContactJson(contact), { status: created ? 201 : 200 });
});
