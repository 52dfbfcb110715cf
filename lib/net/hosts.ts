/**
 * Host checks that need no DNS and no Node APIs, so that zod schemas shared
 * with the browser can use them. The full policy, applied after resolution on
 * every connection, is lib/net/egress.ts.
 */

/** Names that always mean this machine or the cloud's metadata service, whatever DNS says. */
const INTERNAL_NAMES = new Set(["localhost", "metadata.google.internal", "metadata"]);

/**
 * The host of a URL as the WHATWG parser canonicalises it — `0x7f.1` and
 * `2130706433` become `127.0.0.1`, `[::ffff:10.0.0.5]` becomes `::ffff:a00:5` —
 * without IPv6 brackets or a trailing dot; null when the URL does not parse.
 */
export function hostOf(url: string): string | null {
  try {
    return bareHost(new URL(url).hostname);
  } catch {
    return null;
  }
}

/** `[::1]` → `::1`, `example.com.` → `example.com`, lower-cased. */
export function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "")
    .toLowerCase();
}

/**
 * Whether a canonical host (see hostOf) is an IP address. The WHATWG parser
 * turns any host whose last label is numeric into a dotted-quad IPv4 address
 * (or rejects it), and IPv6 hosts are the only ones with a colon.
 */
export function isIpLiteral(host: string): boolean {
  return host.includes(":") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

/** localhost, *.localhost and the metadata service's names. */
export function isInternalName(host: string): boolean {
  return INTERNAL_NAMES.has(host) || host.endsWith(".localhost");
}

/**
 * Why a URL that a provider fetches on our behalf (MMS media) is refused, or
 * null: it must be https and name a host — an IP address or localhost would
 * point the provider, or a proxy in front of us, at an internal service.
 */
export function mediaUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an https URL";
  }
  if (parsed.protocol !== "https:") return "must be an https URL";
  const host = bareHost(parsed.hostname);
  if (isIpLiteral(host)) return "must name a host, not an IP address";
  if (isInternalName(host)) return "must name a public host";
  return null;
}
