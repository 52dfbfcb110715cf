import { csvResponse } from "@/lib/api/csv";
import { handle } from "@/lib/api/handler";
import { listOps } from "@/lib/api/ops/contacts";
import { exportList } from "@/lib/services/contacts/lists";

/** Streams the members as CSV: rows are read page by page and written as they come. */
export const GET = handle(listOps.export, async ({ ctx, params }) => {
  const { list, rows } = await exportList({ ctx, id: params.id });
  const name = list.name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "list";
  return csvResponse(rows, `${name}.csv`);
});
