import { verifyToken } from "./tokens";

// A tracking URL of any base (APP_URL may have changed since the message was built).
const TOKEN = "[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";
const PIXEL_IMG = new RegExp(`<img\\b[^>]*?https?://[^"'\\s>]*/t/o/${TOKEN}[^>]*>`, "gi");
const PIXEL_URL = new RegExp(`https?://[^"'\\s>]*/t/o/${TOKEN}`, "gi");
const CLICK_URL = new RegExp(`https?://[^"'\\s>]*/t/c/(${TOKEN})`, "gi");

const escapeAttr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;");

/**
 * An email's HTML as the console may render it (SPEC §5: viewing a message in
 * the console never counts as an open): the open pixel removed, and each
 * click-tracking link pointed straight at its destination so that following it
 * from a preview records no click. Unsubscribe links stay: their GET only asks.
 */
export function previewHtml(html: string | null): string | null {
  if (html === null) return null;
  return html
    .replace(PIXEL_IMG, "")
    .replace(PIXEL_URL, "about:blank")
    .replace(CLICK_URL, (_whole, token: string) => {
      const payload = verifyToken(token);
      return payload?.k === "c" && /^https?:\/\//i.test(payload.u) ? escapeAttr(payload.u) : "about:blank";
    });
}
