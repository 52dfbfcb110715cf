import { z } from "zod";
import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { AppError } from "@/lib/errors";
import { createImport, MAX_IMPORT_BYTES, tooLarge } from "@/lib/services/contacts/import";

/** Room for the multipart envelope (boundaries, part headers, list_id) around the file. */
const ENVELOPE_BYTES = 64 * 1024;

/** Reads the body, refusing (413) as soon as it grows past `limit`, so an oversized upload is never held whole. */
async function readCapped(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

async function fromMultipart(req: Request, contentType: string) {
  const raw = await readCapped(req, MAX_IMPORT_BYTES + ENVELOPE_BYTES);
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
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
  return {
    content: Buffer.from(await file.arrayBuffer()),
    filename: file instanceof File && file.name ? file.name : null,
    listId: list,
  };
}

const CSV_TYPES = ["text/csv", "text/plain", "application/csv"];

export const POST = handle(contactOps.importCreate, async ({ ctx, query, req }) => {
  const contentType = req.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  let upload: { content: Buffer; filename: string | null; listId: string | null };
  if (type === "multipart/form-data") {
    const form = await fromMultipart(req, contentType);
    upload = {
      ...form,
      filename: form.filename ?? query.filename ?? null,
      listId: form.listId ?? query.list_id ?? null,
    };
  } else if (CSV_TYPES.includes(type)) {
    upload = {
      content: Buffer.from((await readCapped(req, MAX_IMPORT_BYTES)).buffer),
      filename: query.filename ?? null,
      listId: query.list_id ?? null,
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
