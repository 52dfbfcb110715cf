import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { getImport } from "@/lib/services/contacts/import";
import { toImportJson } from "@/lib/validation/contacts";

export const GET = handle(contactOps.importGet, async ({ ctx, params }) =>
  toImportJson(await getImport({ ctx, id: params.id })),
);
