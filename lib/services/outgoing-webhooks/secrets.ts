import { createHmac, randomBytes } from "node:crypto";
import { decryptJson, encryptJson } from "@/lib/crypto";

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

interface Secrets {
  current: string;
  previous?: string;
  /** ISO time the previous secret stops signing. */
  previous_until?: string;
}

/** A Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function sealSecrets(s: Secrets): string {
  return encryptJson(s);
}

export function openSecrets(sealed: string): Secrets {
  return decryptJson<Secrets>(sealed);
}

/** The new sealed value after a rotation: the old secret keeps signing for 24 h. */
export function rotatedSecrets(sealed: string, next: string, now: Date): string {
  const old = openSecrets(sealed);
  return sealSecrets({
    current: next,
    previous: old.current,
    previous_until: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
  });
}

/** The secrets that sign at `now`: the current one, and the previous one during the overlap. */
export function signingSecrets(sealed: string, now: Date): string[] {
  const s = openSecrets(sealed);
  const live = [s.current];
  if (s.previous && s.previous_until && new Date(s.previous_until).getTime() > now.getTime())
    live.push(s.previous);
  return live;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/**
 * The Standard Webhooks `webhook-signature` value: `v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>` per live secret, space-separated.
 */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((s) => `v1,${createHmac("sha256", keyOf(s)).update(`${id}.${timestamp}.${body}`).digest("base64")}`)
    .join(" ");
}
