import { Readable } from "node:stream";
import { csvStringifier } from "@/lib/csv";

/** A streamed CSV download of the rows, written as they are read, cells made formula-safe. */
export function csvResponse(rows: AsyncIterable<readonly unknown[]>, filename: string): Response {
  const csv = Readable.from(rows).pipe(csvStringifier());
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
