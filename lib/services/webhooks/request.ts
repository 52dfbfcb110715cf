import { config } from "@/lib/config";

/**
 * The URL a provider signed: APP_URL + path + query when APP_URL is set (the
 * public address behind proxies), else the URL the request arrived on.
 */
export function signedUrl(req: Request): string {
  const url = new URL(req.url);
  const base = config().appUrl;
  return base ? `${base}${url.pathname}${url.search}` : url.toString();
}

/** Form fields of an application/x-www-form-urlencoded body; repeated keys keep their first value. */
export function formParams(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) if (!(k in out)) out[k] = v;
  return out;
}

export function invalidSignature(): Response {
  return Response.json(
    { error: { code: "invalid_signature", message: "Missing or invalid signature" } },
    { status: 401 },
  );
}
