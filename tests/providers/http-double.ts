import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ProviderError } from "@/lib/providers/types";

/** One request the double received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** What the double answers. An object body is sent as JSON. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Responder = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse);

export interface HttpDouble {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Queues answers, one per upcoming request; when the queue is empty the default answers. */
  respond(...responses: Responder[]): void;
  /** The most recent request (throws when there is none). */
  last(): RecordedRequest;
  reset(): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a provider API: records every request, answers as scripted. */
export async function startHttpDouble(
  defaultResponse: Responder = { status: 200, body: {} },
): Promise<HttpDouble> {
  const requests: RecordedRequest[] = [];
  const queue: Responder[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? "/";
      const parsed = new URL(url, "http://double.local");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body,
        text: body.toString("utf8"),
      };
      requests.push(recorded);
      const responder = queue.shift() ?? defaultResponse;
      const answer = typeof responder === "function" ? responder(recorded) : responder;
      const headers: Record<string, string> = { ...(answer.headers ?? {}) };
      let payload = "";
      if (typeof answer.body === "string") {
        payload = answer.body;
        headers["content-type"] ??= "text/plain";
      } else if (answer.body !== undefined) {
        payload = JSON.stringify(answer.body);
        headers["content-type"] ??= "application/json";
      }
      res.writeHead(answer.status ?? 200, headers);
      res.end(payload);
    });
  });

  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (...responses) => {
      queue.push(...responses);
    },
    last: () => {
      const r = requests.at(-1);
      if (!r) throw new Error("the double received no request");
      return r;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () => closeServer(server),
  };
}

/** A base URL nobody listens on (a port that was free a moment ago): connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

export function formOf(req: RecordedRequest): URLSearchParams {
  return new URLSearchParams(req.text);
}

export function jsonOf(req: RecordedRequest): unknown {
  return JSON.parse(req.text);
}

/** Parses a multipart/form-data body the way a server would. */
export async function multipartOf(req: RecordedRequest): Promise<FormData> {
  const contentType = req.headers["content-type"];
  if (!contentType) throw new Error("no content-type");
  return new Request("http://double.local/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(req.body),
  }).formData();
}

/** Decodes `Authorization: Basic …` into [user, password]. */
export function basicCredentials(req: RecordedRequest): [string, string] {
  const header = req.headers.authorization ?? "";
  const m = /^Basic (.+)$/.exec(header);
  if (!m?.[1]) throw new Error(`not Basic auth: ${header}`);
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return [decoded.slice(0, i), decoded.slice(i + 1)];
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

/** Awaits a promise that must reject with a ProviderError, and returns the error. */
export async function providerErrorOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw new Error(`expected a ProviderError, got ${String(e)}`);
  }
  throw new Error("expected a ProviderError, but the call succeeded");
}

export interface SigV4Expectation {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

/**
 * Checks an AWS Signature Version 4 `Authorization` header against the request
 * as it arrived (recomputed here from the AWS specification, independently of
 * the signing library): the credential scope, and that the signature covers
 * the method, path, signed headers and body.
 */
export function verifySigV4(req: RecordedRequest, expected: SigV4Expectation): void {
  const header = req.headers.authorization ?? "";
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!m) throw new Error(`not a SigV4 Authorization header: ${header}`);
  const [, keyId, date, region, service, signedHeaders = "", signature] = m;
  if (keyId !== expected.accessKeyId) throw new Error(`credential is for ${keyId}`);
  if (region !== expected.region || service !== expected.service) {
    throw new Error(`scope is ${region}/${service}, expected ${expected.region}/${expected.service}`);
  }
  const amzDate = headerValue(req, "x-amz-date");
  if (!date || !amzDate.startsWith(date)) throw new Error("x-amz-date does not match the credential scope");
  const names = signedHeaders.split(";");
  if (!names.includes("host")) throw new Error("host is not signed");
  const canonicalHeaders = names
    .map((n) => `${n}:${headerValue(req, n).trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const query = [...req.query.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalPath = req.path
    .split("/")
    .map((s) => rfc3986(rfc3986(decodeURIComponent(s))))
    .join("/");
  const canonicalRequest = [
    req.method,
    canonicalPath,
    query,
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.body),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key: Buffer = Buffer.from(`AWS4${expected.secretAccessKey}`);
  for (const part of [date, region, service, "aws4_request"]) key = hmac(key, part);
  const wanted = hmac(key, stringToSign).toString("hex");
  if (wanted !== signature) throw new Error("the SigV4 signature does not match the request");
}

function headerValue(req: RecordedRequest, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : (v ?? "");
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
