import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

// A self-signed X.509 certificate made in-process (a minimal DER encoder), so
// the SNS tests need neither a committed private key nor the openssl binary.

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const oid = (bytes: number[]) => tlv(0x06, Buffer.from(bytes));
const NULL = Buffer.from([0x05, 0x00]);
// 1.2.840.113549.1.1.11 sha256WithRSAEncryption; 2.5.4.3 commonName
const SHA256_WITH_RSA = seq(oid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]), NULL);
const name = (cn: string) => seq(tlv(0x31, seq(oid([0x55, 0x04, 0x03]), tlv(0x0c, Buffer.from(cn)))));
const generalizedTime = (d: Date) =>
  tlv(0x18, Buffer.from(`${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`));

/** An RSA key pair and a certificate for its public key, valid from yesterday for `days`. */
export function selfSignedCertificate(
  commonName: string,
  days = 3650,
): { privateKey: KeyObject; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))), // version 3
    tlv(0x02, Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])),
    SHA256_WITH_RSA,
    name(commonName),
    seq(generalizedTime(new Date(now - 86_400_000)), generalizedTime(new Date(now + days * 86_400_000))),
    name(commonName),
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0x00]), signature])));
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n");
  return { privateKey, pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n` };
}
