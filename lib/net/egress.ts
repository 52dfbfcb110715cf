import dns, { type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { BlockList, type LookupFunction } from "node:net";
import zlib from "node:zlib";
import { config } from "@/lib/config";
import { bareHost, hostOf, isInternalName } from "./hosts";

/**
 * The egress policy (SPEC §1, EGRESS_ALLOW_PRIVATE): every outbound call made
 * for an organisation — provider APIs, SMTP servers, SNS — goes to a public
 * address, checked after DNS resolution on the connection itself, so a name
 * that resolves differently the second time (DNS rebinding) cannot slip
 * through. EGRESS_ALLOW_PRIVATE=1 lets loopback and private addresses through
 * for local relays and test doubles; link-local and metadata never are.
 */

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "reserved";

const DESCRIPTION: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "loopback address",
  private: "private address",
  "link-local": "link-local address",
  metadata: "cloud metadata address",
  unspecified: "unspecified address",
  reserved: "reserved address",
};

type Ranges = [network: string, prefix: number][];

/** IPv4 ranges by class; each is also refused in its IPv6 embeddings (mapped, NAT64, 6to4). */
const V4: Record<Exclude<AddressClass, "public">, Ranges> = {
  // AWS, GCP, Azure, Oracle (169.254.169.254) and Alibaba Cloud (100.100.100.200).
  metadata: [
    ["169.254.169.254", 32],
    ["100.100.100.200", 32],
  ],
  "link-local": [["169.254.0.0", 16]],
  loopback: [["127.0.0.0", 8]],
  unspecified: [["0.0.0.0", 8]],
  reserved: [
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, broadcast
  ],
  private: [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["100.64.0.0", 10], // carrier-grade NAT
  ],
};

const V6: Record<Exclude<AddressClass, "public">, Ranges> = {
  metadata: [["fd00:ec2::254", 128]], // AWS over IPv6
  "link-local": [["fe80::", 10]],
  loopback: [["::1", 128]],
  unspecified: [["::", 128]],
  reserved: [
    ["ff00::", 8], // multicast
    ["::", 96], // IPv4-compatible (deprecated)
  ],
  private: [["fc00::", 7]], // unique local
};

/** The IPv6 forms that carry an IPv4 address: ::ffff:a.b.c.d, 64:ff9b::a.b.c.d, 2002:AABB:CCDD::/48. */
function embeddings(network: string, prefix: number): Ranges {
  const [a = 0, b = 0, c = 0, d = 0] = network.split(".").map(Number);
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  return [
    [`::ffff:${hi}:${lo}`, 96 + prefix],
    [`64:ff9b::${hi}:${lo}`, 96 + prefix],
    [`2002:${hi}:${lo}::`, 16 + prefix],
  ];
}

// Checked in this order: the always-refused classes first, except that ::1
// (loopback) must win over the IPv4-compatible ::/96 it sits in.
const ORDER = ["metadata", "link-local", "loopback", "unspecified", "reserved", "private"] as const;

const LISTS = new Map(
  ORDER.map((cls) => {
    const list = new BlockList();
    for (const [network, prefix] of V4[cls]) {
      list.addSubnet(network, prefix, "ipv4");
      for (const [n6, p6] of embeddings(network, prefix)) list.addSubnet(n6, p6, "ipv6");
    }
    for (const [network, prefix] of V6[cls]) list.addSubnet(network, prefix, "ipv6");
    return [cls, list];
  }),
);

/** The class of an IP address (v4 or v6, any form Node accepts). Throws on anything that is not an IP. */
export function classifyAddress(address: string): AddressClass {
  const family = net.isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const cls of ORDER) if (LISTS.get(cls)?.check(address, type)) return cls;
  return "public";
}

/** Whether the policy lets a connection to an address of this class through. */
export function isAllowedClass(cls: AddressClass, allowPrivate: boolean): boolean {
  return cls === "public" || (allowPrivate && (cls === "loopback" || cls === "private"));
}

/** An outbound connection the policy refused; raised before any byte is sent. */
export class EgressRefused extends Error {
  readonly code = "EGRESS_REFUSED";
  constructor(
    message: string,
    readonly host: string,
    readonly addressClass: AddressClass | "name" | "protocol",
  ) {
    super(message);
    this.name = "EgressRefused";
  }
}

export interface EgressOptions {
  /** Defaults to EGRESS_ALLOW_PRIVATE. */
  allowPrivate?: boolean;
  /** Plain `http` may only reach loopback and private hosts (a local relay), never the internet. */
  plaintext?: boolean;
}

function allowPrivateOf(options: EgressOptions): boolean {
  return options.allowPrivate ?? config().egressAllowPrivate;
}

/**
 * Why a connection to `host` at these addresses is refused, or null. `host` is
 * named as given; for a name, the address it resolved to is not echoed (the
 * caller may be an organisation admin probing internal DNS).
 */
export function refusalFor(
  host: string,
  addresses: readonly string[],
  options: EgressOptions = {},
): EgressRefused | null {
  const allowPrivate = allowPrivateOf(options);
  const literal = net.isIP(host) !== 0;
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls === "public") {
      if (!options.plaintext) continue;
      return new EgressRefused(
        `Refused plain http to ${host}: only private hosts may be reached without TLS — use https`,
        host,
        "protocol",
      );
    }
    if (isAllowedClass(cls, allowPrivate)) continue;
    const target = literal ? `${host} (${DESCRIPTION[cls]})` : `${host} (resolves to a ${DESCRIPTION[cls]})`;
    const hint =
      cls === "loopback" || cls === "private" ? " — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts" : "";
    return new EgressRefused(`Refused to connect to ${target}${hint}`, host, cls);
  }
  return null;
}

/** Refuses names that mean the metadata service or this machine whatever they resolve to. */
function nameRefusal(host: string, options: EgressOptions): EgressRefused | null {
  if (!isInternalName(host)) return null;
  if (host === "localhost" || host.endsWith(".localhost")) {
    return allowPrivateOf(options)
      ? null
      : new EgressRefused(
          `Refused to connect to ${host} (loopback address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts`,
          host,
          "loopback",
        );
  }
  return new EgressRefused(`Refused to connect to ${host} (cloud metadata address)`, host, "metadata");
}

/**
 * The check without DNS: a literal IP or an internal name that the policy
 * refuses. For validating configuration when it is saved; connections are
 * checked again after resolution.
 */
export function literalRefusal(hostname: string, options: EgressOptions = {}): EgressRefused | null {
  // Through the URL parser, so `0x7f.1` or `2130706433` is judged as the 127.0.0.1 it is.
  const bare = bareHost(hostname);
  const host = hostOf(`http://${bare.includes(":") ? `[${bare}]` : bare}/`) ?? bare;
  if (net.isIP(host)) return refusalFor(host, [host], options);
  return nameRefusal(host, options);
}

/**
 * Resolves a host (every address) and checks each; answers the addresses, or
 * throws EgressRefused. Connect to one of the answered addresses — never
 * resolve the name again — so the checked address is the one used.
 */
export async function resolveAllowed(
  hostname: string,
  options: EgressOptions = {},
): Promise<LookupAddress[]> {
  const host = bareHost(hostname);
  const family = net.isIP(host);
  const addresses: LookupAddress[] = family
    ? [{ address: host, family }]
    : await (async () => {
        const refused = nameRefusal(host, options);
        if (refused) throw refused;
        return dns.promises.lookup(host, { all: true, verbatim: true });
      })();
  const refused = refusalFor(
    host,
    addresses.map((a) => a.address),
    options,
  );
  if (refused) throw refused;
  return addresses;
}

/**
 * A `lookup` for net/tls connections that resolves, checks every address and
 * hands the connection only checked addresses: the check and the connect use
 * the same answer, so DNS rebinding cannot swap the target in between.
 */
export function checkedLookup(options: EgressOptions = {}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveAllowed(hostname, options).then(
      (addresses) => {
        const wanted = lookupOptions.family
          ? addresses.filter((a) => a.family === lookupOptions.family)
          : addresses;
        const list = wanted.length ? wanted : addresses;
        if (lookupOptions.all) callback(null, list);
        else callback(null, list[0]?.address ?? "", list[0]?.family ?? 4);
      },
      (e: NodeJS.ErrnoException) => callback(e, "", 4),
    );
  };
}

/**
 * Why a URL saved in configuration (a provider's base_url) is refused, or
 * null: it must be https to an allowed host, or http to a loopback or private
 * host while EGRESS_ALLOW_PRIVATE allows those (a local relay or double).
 * A literal address is judged as is; only an http URL's host is resolved
 * (to learn whether it is private). Connections are checked again anyway.
 */
export async function configuredUrlProblem(url: string, options: EgressOptions = {}): Promise<string | null> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return "must be an http(s) URL";
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") return "must be an http(s) URL";
  const allowPrivate = allowPrivateOf(options);
  const plaintext = target.protocol === "http:";
  const host = bareHost(target.hostname);
  const refused = literalRefusal(host, { allowPrivate, plaintext });
  if (refused) return refused.message;
  if (!plaintext || net.isIP(host) || isInternalName(host)) return null;
  const needsHttps = allowPrivate
    ? "must be https unless its host is private"
    : "must be https (set EGRESS_ALLOW_PRIVATE=1 to allow http to private hosts)";
  if (!allowPrivate) return needsHttps;
  try {
    await resolveAllowed(host, { allowPrivate, plaintext });
    return null;
  } catch (e) {
    return e instanceof EgressRefused && e.addressClass !== "protocol" ? e.message : needsHttps;
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Larger answers are cut off: provider APIs and SNS certificates are a few kilobytes. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

// One keep-alive pool per scheme and policy, so a socket opened while private
// hosts were allowed is never reused under a stricter policy. Keep-alive is
// what lets webhook delivery reach thousands of requests a second.
const agents = new Map<string, http.Agent>();
function agentFor(scheme: "http:" | "https:", allowPrivate: boolean): http.Agent {
  const key = `${scheme}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = scheme === "https:" ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

export interface EgressRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string | null;
  /** The whole exchange, connect to last byte; 15 s by default. */
  timeoutMs?: number;
  /** Defaults to EGRESS_ALLOW_PRIVATE. */
  allowPrivate?: boolean;
  signal?: AbortSignal | null;
  /** Reject a 3xx with EgressRefused instead of answering it (redirects are never followed either way). */
  refuseRedirects?: boolean;
  /** The most of the answer read (5 MB by default): past it the call fails, or with `truncate` the rest is read and dropped. */
  maxBytes?: number;
  truncate?: boolean;
}

/** An answer as read off the wire: status, raw header pairs, and the body undecoded. */
export interface EgressAnswer {
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: Buffer;
}

/**
 * One HTTP exchange under the egress policy — the client every outbound HTTP
 * call goes through. The target is resolved and checked on the connection
 * (see checkedLookup), plain http only reaches allowed private hosts,
 * redirects are never followed, and the exchange times out after `timeoutMs`.
 * Lean on purpose (no Request/Response objects, one timer): webhook delivery
 * calls it thousands of times a second. Rejects with EgressRefused, a Node
 * network error (with `code`), a TimeoutError, or the signal's reason.
 */
export function egressRequest(url: string, init: EgressRequestInit = {}): Promise<EgressAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (e) {
    return Promise.reject(e);
  }
  const scheme = target.protocol;
  if (scheme !== "https:" && scheme !== "http:") {
    return Promise.reject(
      new EgressRefused(`Refused ${scheme} URL: only http(s)`, target.hostname, "protocol"),
    );
  }
  const options: EgressOptions = {
    allowPrivate: init.allowPrivate ?? config().egressAllowPrivate,
    plaintext: scheme === "http:",
  };
  const host = bareHost(target.hostname);
  // net.connect skips `lookup` for IP literals, so those are checked here.
  const early = net.isIP(host) ? refusalFor(host, [host], options) : nameRefusal(host, options);
  if (early) return Promise.reject(early);
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(signal.reason);

  const body = init.body == null ? null : typeof init.body === "string" ? Buffer.from(init.body) : init.body;
  const headers: Record<string, string> = { ...init.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "user-agent"))
    headers["user-agent"] = "Switchboard";
  if (body) headers["content-length"] = String(body.length);
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? MAX_RESPONSE_BYTES;
  const transport = scheme === "https:" ? https : http;

  return new Promise<EgressAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const req = transport.request({
      protocol: scheme,
      hostname: host,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: init.method ?? "GET",
      headers,
      agent: agentFor(scheme, options.allowPrivate ?? false),
      lookup: checkedLookup(options),
    });
    const abort = (reason: unknown) => {
      finish(() => reject(reason));
      req.destroy();
    };
    const timer = setTimeout(
      () => abort(new DOMException(`Timed out after ${timeoutMs / 1000} s`, "TimeoutError")),
      timeoutMs,
    );
    function onAbort() {
      abort(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => finish(() => reject(e)));
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && init.refuseRedirects) {
        res.resume();
        finish(() =>
          reject(new EgressRefused(`Refused to follow a redirect from ${host}`, host, "protocol")),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size + chunk.length > maxBytes) {
          if (!init.truncate) {
            abort(new Error(`Response from ${host} exceeds ${maxBytes} bytes`));
            return;
          }
          if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
        } else chunks.push(chunk);
        size += chunk.length;
      });
      res.on("error", (e) => finish(() => reject(e)));
      res.on("end", () =>
        finish(() =>
          resolve({
            status,
            statusText: res.statusMessage ?? "",
            rawHeaders: res.rawHeaders,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          }),
        ),
      );
    });
    req.end(body ?? undefined);
  });
}

export type EgressInit = RequestInit & { timeoutMs?: number; allowPrivate?: boolean };

/**
 * fetch() over egressRequest: the same policy, redirects never followed (a 3xx
 * is answered as is, or rejected with `redirect: "error"`), bodies serialised
 * and decoded as fetch does them.
 */
export async function egressFetch(url: string, init: EgressInit = {}): Promise<Response> {
  const { timeoutMs, allowPrivate, ...requestInit } = init;
  const target = new URL(url);
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    throw new EgressRefused(`Refused ${target.protocol} URL: only http(s)`, target.hostname, "protocol");
  }
  // Request serialises every BodyInit (FormData, URLSearchParams, Blob…) as fetch would.
  const request = new Request(target, {
    method: requestInit.method,
    headers: requestInit.headers,
    body: requestInit.body,
  });
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const answer = await egressRequest(url, {
    method: request.method,
    headers,
    body,
    timeoutMs,
    allowPrivate,
    signal: requestInit.signal,
    refuseRedirects: requestInit.redirect === "error",
  });
  return toResponse(request.method, answer);
}

function toResponse(method: string, answer: EgressAnswer): Response {
  const headers = new Headers();
  const raw = answer.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] ?? "", raw[i + 1] ?? "");
    } catch {
      // a header value fetch would reject: drop it
    }
  }
  const nullBody = method === "HEAD" || NULL_BODY_STATUSES.has(answer.status);
  const body = nullBody ? null : new Uint8Array(decode(answer.body, headers.get("content-encoding")));
  const init = { status: answer.status, headers };
  try {
    return new Response(body, { ...init, statusText: answer.statusText });
  } catch {
    return new Response(body, init);
  }
}

/** Bodies come decoded, as fetch gives them; bounded so a compressed answer cannot balloon. */
function decode(raw: Buffer, encoding: string | null): Buffer {
  const opts = { maxOutputLength: MAX_RESPONSE_BYTES };
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.gunzipSync(raw, opts);
    case "deflate":
      return zlib.inflateSync(raw, opts);
    case "br":
      return zlib.brotliDecompressSync(raw, opts);
    default:
      return raw;
  }
}

/** Drops pooled keep-alive connections (tests, shutdown). */
export function closeEgressAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
