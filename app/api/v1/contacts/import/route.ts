import { z } from "zod";
import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { AppError } from "@/lib/errors";
import { readRawBody } from "@/lib/http/body";
import type { ColumnMapping } from "@/lib/services/contacts/column-mapping";
import { createImport, MAX_IMPORT_BYTES, tooLarge } from "@/lib/services/contacts/import";
import { importMapping } from "@/lib/validation/contacts";

/** Room for the multipart envelope (boundaries, part headers, list_id) around the file. */
const ENVELOPE_BYTES = 64 * 1024;

async function fromMultipart(req: Request, contentType: string) {
  const raw = await readRawBody(req, MAX_IMPORT_BYTES + ENVELOPE_BYTES, tooLarge);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw AppError.validation([{ field: "body", message: "must be multipart/form-data with a file field" }]);
  }
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw AppError.validation([{ field: "file", message: "is required: a CSV file" }]);
  if (file.size > MAX_IMPORT_BYTES) throw tooLarge();
  const listId = form.get("list_id");
  let list: string | null = null;
  if (typeof listId === "string" && listId.trim() !== "") {
    const parsed = z.uuid().safeParse(listId.trim());
    if (!parsed.success) throw AppError.validation([{ field: "list_id", message: "must be a UUID" }]);
    list = parsed.data;
  }
  let mapping: ColumnMapping | null = null;
  const mappingField = form.get("mapping");
  if (typeof mappingField === "string" && mappingField.trim() !== "") {
    const parsed = importMapping.safeParse(mappingField);
    if (!parsed.success) {
      throw AppError.validation(
        parsed.error.issues.map((i) => ({
          field: ["mapping", ...i.path.map(String)].join("."),
          message: i.message,
        })),
      );
    }
    mapping = parsed.data;
  }
  return {
    content: Buffer.from(await file.arrayBuffer()),
    filename: file instanceof File && file.name ? file.name : null,
    listId: list,
    mapping,
  };
}

const CSV_TYPES = ["text/csv", "text/plain", "application/csv"];

export const POST = handle(contactOps.importCreate, async ({ ctx, query, req }) => {
  const contentType = req.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  let upload: {
    content: Buffer;
    filename: string | null;
    listId: string | null;
    mapping: ColumnMapping | null;
  };
  if (type === "multipart/form-data") {
    const form = await fromMultipart(req, contentType);
    upload = {
      ...form,
      filename: form.filename ?? query.filename ?? null,
      listId: form.listId ?? query.list_id ?? null,
      mapping: form.mapping ?? query.mapping ?? null,
    };
  } else if (CSV_TYPES.includes(type)) {
    upload = {
      content: await readRawBody(req, MAX_IMPORT_BYTES, tooLarge),
      filename: query.filename ?? null,
      listId: query.list_id ?? null,
      mapping: query.mapping ?? null,
    };
  } else {
    throw new AppError(
      "unsupported_media_type",
      "Send the CSV as multipart/form-data (field file) or as a text/csv body",
      [{ field: "content-type", message: "must be multipart/form-data or text/csv" }],
      415,
    );
  }
  const created = await createImport({ ctx, ...upload });
  return Response.json({ import_id: created.id }, { status: 202 });
});
