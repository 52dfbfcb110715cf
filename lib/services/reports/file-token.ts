import { tokenSigner } from "@/lib/crypto";
import { publicBaseUrl } from "@/lib/services/tracking/tokens";

// A report download link carries its facts in a token signed like the tracking
// links (the same signer, its own label): which file, of which organisation,
// until when. Nothing else opens a file without a session.

export const REPORT_LINK_TTL_DAYS = 7;

interface FileToken {
  f: string;
  o: string;
  x: number;
}

const signer = tokenSigner<FileToken>("switchboard/report-files/v1", { maxLength: 1024 });

/** A token for the file, expiring REPORT_LINK_TTL_DAYS after `now`. */
export function reportFileToken(file: { id: string; orgId: string }, now: Date = new Date()): string {
  const x = Math.floor(now.getTime() / 1000) + REPORT_LINK_TTL_DAYS * 24 * 60 * 60;
  return signer.sign({ f: file.id, o: file.orgId, x });
}

/** The file a token names, or null when it is not ours, altered, or expired. */
export function verifyReportFileToken(
  token: string,
  now: Date = new Date(),
): { fileId: string; orgId: string } | null {
  const t = signer.verify(token) as Partial<FileToken> | null;
  if (typeof t !== "object" || !t) return null;
  if (typeof t.f !== "string" || typeof t.o !== "string" || typeof t.x !== "number") return null;
  if (t.x * 1000 < now.getTime()) return null;
  return { fileId: t.f, orgId: t.o };
}

export const reportFileUrl = (token: string) => `${publicBaseUrl()}/api/reports/files/${token}`;
