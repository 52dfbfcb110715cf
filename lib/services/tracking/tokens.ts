import { config } from "@/lib/config";
import { tokenSigner } from "@/lib/crypto";

// Tracking and unsubscribe links carry their facts in a signed token, so they
// work without a session and cannot be forged: a click can only redirect to a
// URL we signed (never an open redirect), for the message it was issued in
// (m), until it expires (x, seconds since the epoch).

export type TrackingToken =
  | { k: "o"; m: string }
  | { k: "c"; m: string; u: string; x: number }
  | { k: "u"; m: string; o: string; a: string; c: "email" | "sms"; g: string | null };

const signer = tokenSigner<TrackingToken>("switchboard/tracking/v1");

/**
 * How long a click-tracking link redirects after the message is built: long
 * enough for mail read months later, short enough that a leaked link does not
 * redirect for ever (SPEC §11). Unsubscribe links never expire.
 */
export const CLICK_TOKEN_TTL_DAYS = 180;

/** A click token for a URL in the message, expiring CLICK_TOKEN_TTL_DAYS from `now`. */
export function clickToken(messageId: string, url: string, now: number = Date.now()): string {
  const x = Math.floor(now / 1000) + CLICK_TOKEN_TTL_DAYS * 24 * 60 * 60;
  return signToken({ k: "c", m: messageId, u: url, x });
}

export function signToken(payload: TrackingToken): string {
  return signer.sign(payload);
}

/** The payload of a token we signed, or null for anything else. */
export function verifyToken(token: string): TrackingToken | null {
  const parsed = signer.verify(token);
  return typeof parsed === "object" && parsed && "m" in parsed && typeof parsed.m === "string"
    ? (parsed as TrackingToken)
    : null;
}

/** Where links in messages point: APP_URL, else this server on localhost. */
export function publicBaseUrl(): string {
  const cfg = config();
  return cfg.appUrl ?? `http://localhost:${process.env.PORT ?? cfg.port}`;
}
