import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { config } from "@/lib/config";

const VERSION = "v1";

/** Encrypts JSON with AES-256-GCM under APP_ENCRYPTION_KEY: "v1:iv:tag:ciphertext" (base64url). */
export function encryptJson(value: unknown, key: Buffer = config().encryptionKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ct.toString("base64url"),
  ].join(":");
}

/** Decrypts what encryptJson produced; throws when the key is wrong or the data was altered. */
export function decryptJson<T = unknown>(sealed: string, key: Buffer = config().encryptionKey): T {
  const [version, iv, tag, ct] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || !ct) throw new Error("Unrecognised encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const plain = Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as T;
}

/** "••••abcd": enough to recognise a secret, never enough to use it. */
export function mask(secret: unknown): string {
  const s = String(secret ?? "");
  if (s.length <= 4) return "••••";
  return `••••${s.slice(-4)}`;
}

/** Signs payloads into `body.mac` tokens and reads them back; see tokenSigner. */
export interface TokenSigner<T> {
  sign(payload: T): string;
  /** The payload of a token this signer made, parsed but not checked (callers check their fields), or null. */
  verify(token: string): unknown;
}

/**
 * Self-contained link tokens (tracking, unsubscribe, report downloads): the
 * base64url JSON payload, a dot, and a 16-byte HMAC-SHA256 of it under a key
 * derived from AUTH_SECRET and `label`, so a token minted for one purpose
 * never passes for another. Tokens longer than `maxLength` are refused unread.
 */
export function tokenSigner<T>(
  label: string,
  { maxLength = 4096 }: { maxLength?: number } = {},
): TokenSigner<T> {
  // The derived key, kept while AUTH_SECRET stays the same (a campaign signs several links per recipient).
  let derived: { secret: string; key: Buffer } | undefined;
  const keyOf = (secret: string) => {
    if (derived?.secret !== secret)
      derived = { secret, key: createHmac("sha256", secret).update(label).digest() };
    return derived.key;
  };
  const mac = (body: string) =>
    createHmac("sha256", keyOf(config().authSecret)).update(body).digest().subarray(0, 16);
  return {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${mac(body).toString("base64url")}`;
    },
    verify(token) {
      const [body, sig] = token.split(".");
      if (!body || !sig || token.length > maxLength) return null;
      const expected = mac(body);
      const given = Buffer.from(sig, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
      } catch {
        return null;
      }
    },
  };
}
