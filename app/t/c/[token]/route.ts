import { followClick } from "@/lib/services/tracking/engagement";

/**
 * Click redirect: only to a URL signed into a live token of the message that
 * carried it, so it can never be an open redirect. Expired links answer 410.
 */
export async function GET(
  _req: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const outcome = await followClick((await params).token);
  if ("refused" in outcome) {
    const expired = outcome.refused === "expired";
    return new Response(expired ? "This link has expired." : "This link is not valid.", {
      status: expired ? 410 : 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return new Response(null, { status: 302, headers: { location: outcome.url, "cache-control": "no-store" } });
}
