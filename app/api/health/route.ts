import { healthReport } from "@/lib/services/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await healthReport();
  return Response.json(report, { status: report.status === "ok" ? 200 : 503 });
}
