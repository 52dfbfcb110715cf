import { Readable } from "node:stream";
import { handle } from "@/lib/api/handler";
import { reportOps } from "@/lib/api/ops/reports";
import type { ReportType } from "@/lib/db/schema";
import { type GeneratedReport, generateReport, resolveRange } from "@/lib/services/reports/report";

/** A generated report as an HTTP response (CSV streamed as it is read). */
export function reportResponse(r: GeneratedReport): Response {
  if (r.format === "json") return Response.json(r.body);
  if (r.format === "csv") {
    return new Response(Readable.toWeb(Readable.from(r.body)) as ReadableStream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${r.filename}"`,
        "cache-control": "no-store",
      },
    });
  }
  return new Response(new Uint8Array(r.bytes), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${r.filename}"`,
      "cache-control": "private, no-store",
    },
  });
}

/** The GET handler of /reports/{type}. */
export function reportRoute(type: ReportType) {
  return handle(reportOps[type], async ({ ctx, query }) =>
    reportResponse(
      await generateReport({
        ctx,
        request: { type, range: resolveRange(query), format: query.format, campaignId: query.campaign_id },
      }),
    ),
  );
}
