import { AppError } from "@/lib/errors";

// The one bounded body reader: webhooks, /api/v1 JSON bodies, uploads and the
// provider answers we fetch all read through it, so no route holds an
// unbounded body in memory.

/** The cap for webhook bodies and /api/v1 JSON bodies (SPEC §5). */
export const MAX_BODY_BYTES = 1_000_000;

export function payloadTooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The body is larger than ${limit} bytes`, undefined, 413);
}

/**
 * Reads the raw body of a request (or response), refusing more than `limit`
 * bytes (413, or the caller's own error) without buffering the excess: a
 * declared Content-Length over the cap is refused before reading.
 */
export async function readRawBody(
  req: Pick<Request, "headers" | "body">,
  limit = MAX_BODY_BYTES,
  tooLarge: () => Error = () => payloadTooLarge(limit),
): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
