import { EgressRefused, egressFetch } from "@/lib/net/egress";
import { mediaUrlProblem } from "@/lib/net/hosts";
import { ProviderError } from "./types";

const DEFAULT_TIMEOUT_MS = 15_000;

/** A provider's answer, as read by providerFetch. */
export interface ProviderAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/**
 * What an adapter reads out of a failed answer: the provider's error code from
 * a known field, and `retryable: true` where the answer shows a problem of
 * this provider (account, setup) that the status alone does not. The body
 * itself never leaves the adapter.
 */
export type ErrorReader = (answer: ProviderAnswer) => { code?: unknown; retryable?: boolean } | undefined;

/**
 * fetch() for provider APIs, under the egress policy (lib/net/egress: checked
 * addresses, no redirects, a timeout), with every failure turned into a
 * ProviderError classified for failover. Error messages name the status and
 * at most a provider error code — never the body, which may come from an
 * internal service a base_url was pointed at.
 */
export async function providerFetch(
  url: string,
  init: RequestInit & { timeoutMs?: number; readError?: ErrorReader },
): Promise<ProviderAnswer> {
  const { readError, ...rest } = init;
  let res: Response;
  let text: string;
  try {
    res = await egressFetch(url, {
      ...rest,
      redirect: "manual",
      timeoutMs: init.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    text = await res.text();
  } catch (e) {
    // This provider's configuration points somewhere it may not go: another provider may still send.
    if (e instanceof EgressRefused) throw new ProviderError(e.message, true);
    const name = (e as Error).name;
    const reason =
      name === "TimeoutError" || name === "AbortError" ? "timed out" : `unreachable (${causeOf(e)})`;
    throw new ProviderError(`Provider ${reason}`, true);
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  const answer = { status: res.status, body, text, headers: res.headers };
  if (res.status >= 300 && res.status < 400) {
    throw new ProviderError(
      `Provider answered HTTP ${res.status} (a redirect, which is not followed): check the base URL`,
      true,
      res.status,
    );
  }
  if (!res.ok) {
    const read = readError?.(answer);
    const code = safeCode(read?.code);
    throw new ProviderError(
      `Provider answered HTTP ${res.status}${code ? ` (code ${code})` : ""}`,
      isRetryableStatus(res.status) || read?.retryable === true,
      res.status,
      code,
    );
  }
  return answer;
}

/** 408, 429, 5xx and this provider's auth failures (401/403) may succeed at another provider. */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

/**
 * A provider error code fit to show: a short token such as `21211`,
 * `Throttling` or `InvalidSenderId`. Anything else — prose, markup, a long
 * string — is dropped rather than echoed.
 */
export function safeCode(code: unknown): string | undefined {
  const s = typeof code === "number" ? String(code) : code;
  return typeof s === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(s) ? s : undefined;
}

/** A numeric error code (`21211`, or 21211) as a string; anything else undefined. */
export function numericCode(raw: unknown): string | undefined {
  return typeof raw === "number" || (typeof raw === "string" && /^\d{1,12}$/.test(raw))
    ? String(raw)
    : undefined;
}

/** Refuses, before the call, media URLs the provider would fetch from somewhere internal. */
export function checkMediaUrls(urls: readonly string[] | undefined): void {
  for (const [i, url] of (urls ?? []).entries()) {
    const problem = mediaUrlProblem(url);
    // The same URL fails at any provider.
    if (problem) throw new ProviderError(`Media URL ${i + 1} ${problem}`, false);
  }
}

function causeOf(e: unknown): string {
  const direct = (e as { code?: unknown }).code;
  if (typeof direct === "string") return direct;
  const cause = (e as { cause?: { code?: string } }).cause;
  // Codes only: a message may quote what the other end said (a TLS certificate's names, say).
  return cause?.code ?? (e as Error).name;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** Joins a base URL (which may carry a path prefix) and an absolute API path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
