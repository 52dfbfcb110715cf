import { readRawBody } from "@/lib/http/body";
import { log } from "@/lib/logger";
import { unsubscribe, unsubscribeContext } from "@/lib/services/tracking/engagement";
import { type TrackingToken, verifyToken } from "@/lib/services/tracking/tokens";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string, status = 200): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:32px;max-width:420px}h1{font-size:20px;margin:0 0 12px}
button{background:#4f46e5;color:#fff;border:0;border-radius:6px;padding:10px 16px;font-size:14px;cursor:pointer}p{color:#475569}</style></head>
<body><main>${body}</main></body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

type Unsub = Extract<TrackingToken, { k: "u" }>;

async function tokenOf(params: Promise<{ token: string }>): Promise<Unsub | null> {
  const payload = verifyToken((await params).token);
  return payload?.k === "u" ? payload : null;
}

const invalid = () =>
  page("Link not valid", "<h1>This link is not valid</h1><p>It may have been copied incompletely.</p>", 404);

/** The unsubscribe page: a confirmation, because mail scanners follow GET links (RFC 8058 §1). */
export async function GET(
  _req: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const token = await tokenOf(params);
  if (!token) return invalid();
  const c = await unsubscribeContext(token);
  return page(
    "Unsubscribe",
    `<h1>Unsubscribe?</h1><p>Stop ${esc(c.category && c.category !== "transactional" ? `${c.category} ` : "")}${c.channel === "sms" ? "text messages" : "emails"} from <strong>${esc(c.organisation)}</strong> to <strong>${esc(c.address)}</strong>.</p>
<form method="post"><button type="submit" data-testid="confirm-unsubscribe">Unsubscribe</button></form>`,
  );
}

/** Confirms the page's form, and RFC 8058 one-click POSTs (body List-Unsubscribe=One-Click) from mail clients. */
export async function POST(
  req: Request,
  { params }: { params: Promise<{ token: string }> },
): Promise<Response> {
  const token = await tokenOf(params);
  if (!token) return invalid();
  // A one-click POST is a few bytes; anything past a small cap is not one (and is never buffered).
  const body = await readRawBody(req, 16_384)
    .then((b) => b.toString("utf8"))
    .catch(() => "");
  const oneClick = new URLSearchParams(body).get("List-Unsubscribe") === "One-Click";
  try {
    await unsubscribe(token, oneClick ? "one_click" : "unsubscribe_link");
  } catch (e) {
    log.error("unsubscribe failed", { error: e });
    return page("Try again", "<h1>Something went wrong</h1><p>Please try again in a moment.</p>", 503);
  }
  const c = await unsubscribeContext(token);
  return page(
    "Unsubscribed",
    `<h1 data-testid="unsubscribed">You are unsubscribed</h1><p>${esc(c.address)} will no longer receive these messages from ${esc(c.organisation)}.</p>`,
  );
}
