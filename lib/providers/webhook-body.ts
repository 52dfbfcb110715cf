import { createHash, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { MAX_BODY_BYTES } from "@/lib/http/body";

// Helpers shared by the provider webhook verifiers: payload cleaning (what reaches Postgres must be storable), freshness checks
// and constant-time comparison.

export { readRawBody } from "@/lib/http/body";
export const MAX_WEBHOOK_BODY = MAX_BODY_BYTES;
/** Objects and arrays nested deeper than this are not a provider's payload (and Postgres jsonb refuses very deep ones). */
const MAX_DEPTH = 32;
/** A signed request older (or further in the future) than this is refused as a possible replay. */
export const TIMESTAMP_TOLERANCE_S = 300;

export function invalidSignatureError(message = "Missing or invalid signature"): AppError {
  return new AppError("invalid_signature", message, undefined, 401);
}

/**
 * A copy of a parsed payload that Postgres can store: no NUL characters (text
 * and jsonb refuse them), no lone surrogates (jsonb refuses their escapes),
 * bounded nesting. Anything else is a malformed body (400).
 */
export function clean<T>(value: T, depth = 0): T {
  if (typeof value === "string") return cleanString(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) throw AppError.validation([{ field: "body", message: "is nested too deeply" }]);
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key from JSON.parse stays data, never a prototype.
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, cleanString(k), {
      value: clean(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

export function cleanString(s: string): string {
  return s.toWellFormed().replaceAll("\u0000", "");
}

/** JSON.parse that answers 400 for anything that is not JSON, and cleans the result. */
export function parseJsonBody(raw: Buffer | string): unknown {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw AppError.validation([{ field: "body", message: "must be valid JSON" }]);
  }
  return clean(parsed);
}

/**
 * Parameters of a callback, whichever way it came: the query string for GET,
 * else a JSON object or an urlencoded form body (first value of a repeated
 * key). JSON scalars become strings, as a form would carry them.
 */
export function callbackParams(
  req: { method: string; url: string; headers: Headers },
  raw: Buffer,
): Record<string, string> {
  const text = raw.toString("utf8");
  if (req.method === "GET" || !text.trim()) return firstValues(new URL(req.url).searchParams);
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("json") || /^\s*[{[]/.test(text)) {
    const parsed = parseJsonBody(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw AppError.validation([{ field: "body", message: "must be a JSON object" }]);
    }
    return flatten(parsed as Record<string, unknown>);
  }
  return firstValues(new URLSearchParams(text));
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    const key = cleanString(k);
    if (!Object.hasOwn(out, key))
      Object.defineProperty(out, key, {
        value: cleanString(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/** {price: {amount: 1}} → {"price[amount]": "1"}, the form encoding of the same callback. */
function flatten(obj: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v === null || v === undefined) continue;
    if (typeof v === "object") Object.assign(out, flatten(v as Record<string, unknown>, key));
    else
      Object.defineProperty(out, key, {
        value: String(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/** Whether a Unix timestamp (seconds) is within the tolerance of now. */
export function isFresh(seconds: unknown, now = Date.now(), toleranceS = TIMESTAMP_TOLERANCE_S): boolean {
  const n =
    typeof seconds === "number"
      ? seconds
      : typeof seconds === "string" && /^\d{1,12}$/.test(seconds)
        ? Number(seconds)
        : Number.NaN;
  return Number.isFinite(n) && Math.abs(now / 1000 - n) <= toleranceS;
}

/** Constant-time string equality (lengths may differ without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** A date from Unix seconds, or undefined for anything implausible (Postgres refuses far-off years). */
export function dateFromSeconds(seconds: unknown): Date | undefined {
  const n = typeof seconds === "string" && seconds.trim() !== "" ? Number(seconds) : seconds;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  return plausible(new Date(n * 1000));
}

export function dateFromString(s: unknown): Date | undefined {
  if (typeof s !== "string" || s.length > 64) return undefined;
  return plausible(new Date(s));
}

function plausible(d: Date): Date | undefined {
  const t = d.getTime();
  return Number.isFinite(t) && t > Date.UTC(2000, 0, 1) && t < Date.UTC(2100, 0, 1) ? d : undefined;
}

/** A stable id for an event the provider sent without one. */
export function digestId(prefix: string, value: unknown): string {
  return `${prefix}:${createHash("sha256")
    .update(JSON.stringify(value) ?? "")
    .digest("hex")
    .slice(0, 32)}`;
}

/** A plausible email address to suppress; anything else is not put on the list. */
export function emailOrNull(s: unknown): string | null {
  return typeof s === "string" && s.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(s.trim()) ? s.trim() : null;
}

/** Digits-only international numbers (Vonage, MessageBird) as E.164; short codes and sender IDs as given. */
export function plusPrefixed(n: string): string {
  return /^[1-9]\d{7,14}$/.test(n) ? `+${n}` : n;
}

/** A provider-reported price: a plain positive decimal below a sanity bound (the cost column is numeric(14,6)), else null. */
export function priceOf(amount: unknown): number | null {
  const s = typeof amount === "number" ? String(amount) : amount;
  if (typeof s !== "string" || !/^\d{1,7}(\.\d{1,12})?$/.test(s.trim())) return null;
  const n = Number(s);
  return n > 0 && n < 1_000_000 ? n : null;
}

/** A 400 naming each bad field of a webhook payload. */
export function payloadError(error: z.ZodError, root = "body"): AppError {
  return AppError.validation(
    error.issues.map((i) => ({
      field: i.path.length ? i.path.map(String).join(".") : root,
      message: i.message,
    })),
  );
}

/** Short text for an event's error or data field. */
export function text(v: unknown, max = 500): string | undefined {
  if (typeof v === "string") return v.slice(0, max);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
