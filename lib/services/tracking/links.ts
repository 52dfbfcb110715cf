import { clickToken, publicBaseUrl, signToken } from "./tokens";

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** Categories whose emails carry no open/click tracking (links in OTP mail must stay direct). */
const UNTRACKED = new Set(["otp"]);

export function unsubscribeUrl(input: {
  id: string;
  orgId: string;
  to: string;
  channel: "email" | "sms";
  category: string;
}): string {
  return `${publicBaseUrl()}/u/${signToken({ k: "u", m: input.id, o: input.orgId, a: input.to, c: input.channel, g: input.category })}`;
}

/** Whether a rendered body contains the URL, as is or HTML-escaped (mustache writes / as &#x2F; and = as &#x3D;). */
function linksTo(body: string, url: string): boolean {
  if (body.includes(url)) return true;
  const decoded = body
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, "&");
  return decoded.includes(url);
}

/**
 * Prepares an email for sending: marketing mail gets List-Unsubscribe and
 * List-Unsubscribe-Post (RFC 8058) headers and a footer link; HTML mail outside
 * OTP gets click-tracking redirects and an open pixel.
 */
export function decorateEmail(input: {
  id: string;
  orgId: string;
  to: string;
  category: string;
  html: string | null;
  text: string | null;
}): { html: string | null; text: string | null; headers: Record<string, string> } {
  const base = publicBaseUrl();
  let { html, text } = input;
  const headers: Record<string, string> = {};
  let unsub: string | null = null;
  if (input.category === "marketing") {
    unsub = unsubscribeUrl({ ...input, channel: "email" });
    headers["List-Unsubscribe"] = `<${unsub}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    // A template that already links to this message's unsubscribe URL ({{unsubscribe_url}}) gets no second one.
    if (text !== null && !linksTo(text, unsub)) text = `${text}\n\nUnsubscribe: ${unsub}\n`;
    if (html !== null && !linksTo(html, unsub)) {
      const footer = `<p style="margin-top:24px;font-size:12px;color:#64748b">Don't want these emails? <a href="${escapeAttr(unsub)}" data-switchboard="unsubscribe">Unsubscribe</a>.</p>`;
      html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${footer}</body>`) : `${html}${footer}`;
    }
  }
  if (html !== null && !UNTRACKED.has(input.category)) {
    html = html.replace(
      /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi,
      (whole, pre: string, q: string, url: string) => {
        if (whole.includes('data-switchboard="unsubscribe"') || url.startsWith(`${base}/u/`)) return whole;
        const decoded = url.replace(/&amp;/g, "&");
        return `${pre}${q}${base}/t/c/${clickToken(input.id, decoded)}${q}`;
      },
    );
    const pixel = `<img src="${base}/t/o/${signToken({ k: "o", m: input.id })}" width="1" height="1" alt="" style="display:none">`;
    html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${pixel}</body>`) : `${html}${pixel}`;
  }
  return { html, text, headers };
}
