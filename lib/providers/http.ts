import { ProviderError } from "./types";

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * fetch() for provider APIs: a timeout, and every failure turned into a
 * ProviderError classified for failover (see ProviderError).
 */
export async function providerFetch(
  url: string,
  init: RequestInit & { timeoutMs?: number },
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (e) {
    const name = (e as Error).name;
    const reason =
      name === "TimeoutError" || name === "AbortError" ? "timed out" : `unreachable (${causeOf(e)})`;
    throw new ProviderError(`Provider ${reason}`, true);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) {
    throw new ProviderError(
      `Provider answered HTTP ${res.status}: ${summarise(body)}`,
      isRetryableStatus(res.status),
      res.status,
    );
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** 408, 429, 5xx and this provider's auth failures (401/403) may succeed at another provider. */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}

export function summarise(body: unknown): string {
  const s = typeof body === "string" ? body : JSON.stringify(body);
  return (s ?? "").slice(0, 300);
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** Joins a base URL (which may carry a path prefix) and an absolute API path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
