import { csvResponse } from "@/lib/api/csv";
import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { importErrorReport } from "@/lib/services/contacts/import";

/** Streams the error report: rows are read page by page and written as they come, formula-safe. */
export const GET = handle(contactOps.importErrors, async ({ ctx, params }) => {
  const { import: imp, rows } = await importErrorReport({ ctx, id: params.id });
  const base = (imp.filename ?? "import").replace(/\.csv$/i, "").replace(/[^\w.-]+/g, "-") || "import";
  return csvResponse(rows, `${base}-errors.csv`);
});
