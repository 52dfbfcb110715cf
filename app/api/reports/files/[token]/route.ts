import { errorResponse } from "@/lib/api/handler";
import { fileForToken } from "@/lib/services/reports/files";

/** A generated report through its signed, expiring link (sent in scheduled-report emails). */
export async function GET(_req: Request, { params }: { params: Promise<{ token: string }> }) {
  try {
    const file = await fileForToken((await params).token);
    return new Response(new Uint8Array(file.content), {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
