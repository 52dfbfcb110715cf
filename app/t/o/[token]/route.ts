import { log } from "@/lib/logger";
import { recordOpen } from "@/lib/services/tracking/engagement";
import { verifyToken } from "@/lib/services/tracking/tokens";

const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** The open pixel: always a transparent GIF; an open is recorded only for a token we signed. */
export async function GET(
  _req: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const payload = verifyToken((await params).token);
  if (payload?.k === "o")
    await recordOpen(payload).catch((e) => log.error("recording an open failed", { error: e }));
  return new Response(new Uint8Array(GIF), {
    headers: {
      "content-type": "image/gif",
      "cache-control": "no-store, max-age=0",
      "content-length": String(GIF.length),
    },
  });
}
