import { handle } from "@/lib/api/handler";
import { costReportOps } from "@/lib/api/ops/reports";
import { reportResponse } from "@/lib/api/reports";
import { billingPeriodRange } from "@/lib/services/reports/cost-report";
import { generateReport } from "@/lib/services/reports/report";

export const GET = handle(costReportOps.report, async ({ ctx, query }) =>
  reportResponse(
    await generateReport({
      ctx,
      request: {
        type: "cost",
        range: billingPeriodRange(query),
        format: query.format,
        title: "Cost report (billing period)",
      },
    }),
  ),
);
