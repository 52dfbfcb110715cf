import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { type ReportFile, reportFiles } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { verifyReportFileToken } from "./file-token";

/** The generated file a signed link names; 404 when the link is forged or expired or the file is gone. */
export async function fileForToken(token: string, now: Date = new Date()): Promise<ReportFile> {
  const t = verifyReportFileToken(token, now);
  if (!t) throw AppError.notFound("Report file");
  const db = await getDb();
  const [f] = await db
    .select()
    .from(reportFiles)
    .where(and(eq(reportFiles.id, t.fileId), eq(reportFiles.orgId, t.orgId)));
  if (!f) throw AppError.notFound("Report file");
  return f;
}
