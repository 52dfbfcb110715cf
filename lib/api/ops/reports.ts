import { z } from "zod";
import { type Operation, op } from "@/lib/api/operation";
import { REPORT_TYPES, type ReportType } from "@/lib/db/schema";
import { listQuery, listResponse, uuidParam } from "@/lib/validation/common";
import {
  costReportQuery,
  reportJson,
  reportQuery,
  runJson,
  scheduleCreate,
  scheduleJson,
  scheduleUpdate,
} from "@/lib/validation/reports";

const tag = "Reports";
const describe: Record<ReportType, string> = {
  campaign: "Campaign report: per campaign, or with campaign_id each of its messages",
  message: "Message report: every message in the range",
  conversation: "Conversation report: SMS conversations per number",
  audit: "Audit report: audit log entries in the range",
  summary: "Executive summary with the previous period of equal length and what changed most",
  cost: "Cost report: per day, provider and channel",
};

/** GET /reports/{type}: JSON, CSV (streamed) or PDF (admin, manager). */
export const reportOps = Object.fromEntries(
  REPORT_TYPES.map((type) => [
    type,
    op({
      method: "GET",
      path: `/reports/${type}`,
      tag,
      summary: `${describe[type]} (format=json|csv|pdf)`,
      permission: "reports:read",
      query: reportQuery,
      response: reportJson,
    }),
  ]),
) as Record<ReportType, Operation<undefined, typeof reportQuery, undefined>>;

const idParams = z.object({ id: uuidParam });

export const scheduleOps = {
  list: op({
    method: "GET",
    path: "/reports/schedules",
    tag,
    summary: "Scheduled reports (admin, manager)",
    permission: "reports:read",
    query: listQuery,
    response: listResponse(scheduleJson),
  }),
  create: op({
    method: "POST",
    path: "/reports/schedules",
    tag,
    summary: "Schedule a report to be generated and emailed daily, weekly or monthly",
    permission: "reports:read",
    body: scheduleCreate,
    response: scheduleJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/reports/schedules/{id}",
    tag,
    summary: "One scheduled report",
    permission: "reports:read",
    params: idParams,
    response: scheduleJson,
  }),
  update: op({
    method: "PATCH",
    path: "/reports/schedules/{id}",
    tag,
    summary: "Change a scheduled report",
    permission: "reports:read",
    params: idParams,
    body: scheduleUpdate,
    response: scheduleJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/reports/schedules/{id}",
    tag,
    summary: "Delete a scheduled report and its run history",
    permission: "reports:read",
    params: idParams,
  }),
  run: op({
    method: "POST",
    path: "/reports/schedules/{id}/run",
    tag,
    summary: "Send now: generate the report and email it to the recipients",
    permission: "reports:read",
    params: idParams,
    response: runJson,
    status: 201,
  }),
  runs: op({
    method: "GET",
    path: "/reports/schedules/{id}/runs",
    tag,
    summary: "The schedule's run history, newest first",
    permission: "reports:read",
    params: idParams,
    query: listQuery,
    response: listResponse(runJson),
  }),
};

export const costReportOps = {
  report: op({
    method: "GET",
    path: "/costs/report",
    tag: "Costs",
    summary: "Billing-period cost report between start_date and end_date (inclusive, UTC); json, csv or pdf",
    permission: "reports:read",
    query: costReportQuery,
    response: reportJson,
  }),
};
