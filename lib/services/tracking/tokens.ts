import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "@/lib/config";

// Tracking and unsubscribe links carry their facts in a signed token, so they
// work without a session and cannot be forged: a click can only redirect to a
// URL we signed (never an open redirect).

export type TrackingToken =
  | { k: "o"; m: string }
  | { k: "c"; m: string; u: string }
  | { k: "u"; m: string; o: string; a: string; c: "email" | "sms"; g: string | null };

function key(): Buffer {
  return createHmac("sha256", config().authSecret).update("switchboard/tracking/v1").digest();
}

function mac(body: string): Buffer {
  return createHmac("sha256", key()).update(body).digest().subarray(0, 16);
}

export function signToken(payload: TrackingToken): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(body).toString("base64url")}`;
}

/** The payload of a token we signed, or null for anything else. */
export function verifyToken(token: string): TrackingToken | null {
  const [body, sig] = token.split(".");
  if (!body || !sig || token.length > 4096) return null;
  const expected = mac(body);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TrackingToken;
    return typeof parsed === "object" && parsed && typeof parsed.m === "string" ? parsed : null;
  } catch {
    return null;
  }
}

/** Where links in messages point: APP_URL, else this server on localhost. */
export function publicBaseUrl(): string {
  const cfg = config();
  return cfg.appUrl ?? `http://localhost:${process.env.PORT ?? cfg.port}`;
}
