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
