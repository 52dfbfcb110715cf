import { isIP } from "node:net";
import { config } from "@/lib/config";

/**
 * The name of the request header that carries the TCP peer address. Next.js
 * route handlers cannot see the socket, so scripts/server.mjs (what `npm start`
 * runs) writes the peer address into this header after deleting any copy the
 * client sent, and announces the header's name in this variable. Under any
 * other server (`next dev`, a bare `next start`) it is unset, the header is not
 * trusted, and the socket address is unknown.
 */
export const SOCKET_ADDRESS_HEADER_ENV = "SWITCHBOARD_SOCKET_ADDRESS_HEADER";

/** A well-formed IP address, IPv4-mapped IPv6 written as plain IPv4; null otherwise. */
function address(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  const unmapped = /^::ffff:/i.test(value) && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(unmapped) ? unmapped : null;
}

function socketAddress(headers: Headers): string | null {
  const name = process.env[SOCKET_ADDRESS_HEADER_ENV];
  return name ? address(headers.get(name)) : null;
}

/**
 * The client address per TRUST_PROXY (SPEC §1): with 0 the TCP peer and
 * X-Forwarded-For is ignored (any client can write it); with N the entry N hops
 * from the right of X-Forwarded-For, each trusted proxy having appended the
 * address it received the request from. Null when unknown.
 */
export function clientIp(headers: Headers, trustProxy: number = config().trustProxy): string | null {
  const peer = socketAddress(headers);
  if (trustProxy === 0) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return peer;
  // Fewer entries than proxies: the request skipped a proxy, and the left-most is the best there is.
  return address(hops[Math.max(0, hops.length - trustProxy)]) ?? peer;
}
