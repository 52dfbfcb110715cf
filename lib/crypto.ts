import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
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
