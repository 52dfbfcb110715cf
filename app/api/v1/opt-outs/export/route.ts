import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { optOutCsvRows } from "@/lib/services/consent/opt-outs";

/** Streams the compliance export: rows are read page by page and written as they come. */
export const GET = handle(consentOps.export, async ({ ctx }) => {
  const csv = Readable.from(optOutCsvRows(ctx)).pipe(stringify());
  const date = new Date().toISOString().slice(0, 10);
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="opt-outs-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
});
