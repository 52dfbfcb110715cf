import { recordClick } from "@/lib/services/tracking/engagement";
import { verifyToken } from "@/lib/services/tracking/tokens";

/** Click redirect: only to the URL inside a token we signed, so it can never be an open redirect. */
export async function GET(
  _req: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const payload = verifyToken((await params).token);
  if (payload?.k !== "c" || !/^https?:\/\//i.test(payload.u)) {
    return new Response("This link is not valid.", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const url = await recordClick(payload);
  return new Response(null, { status: 302, headers: { location: url, "cache-control": "no-store" } });
}
