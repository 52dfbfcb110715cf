import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { handle } from "@/lib/api/handler";
import { listOps } from "@/lib/api/ops/contacts";
import { exportList } from "@/lib/services/contacts/lists";

/** Streams the members as CSV: rows are read page by page and written as they come. */
export const GET = handle(listOps.export, async ({ ctx, params }) => {
  const { list, rows } = await exportList({ ctx, id: params.id });
  const csv = Readable.from(rows).pipe(stringify());
  const name = list.name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "list";
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}.csv"`,
      "cache-control": "no-store",
    },
  });
});
