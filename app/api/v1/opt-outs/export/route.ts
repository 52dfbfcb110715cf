import { csvResponse } from "@/lib/api/csv";
import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { optOutCsvRows } from "@/lib/services/consent/opt-outs";

/** Streams the compliance export: rows are read page by page and written as they come. */
export const GET = handle(consentOps.export, async ({ ctx }) =>
  csvResponse(optOutCsvRows(ctx), `opt-outs-${new Date().toISOString().slice(0, 10)}.csv`),
);
