// Pure lists shared by the schema, the API and the browser (no database imports).
export const REPORT_TYPES = ["campaign", "message", "conversation", "audit", "summary", "cost"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const REPORT_FORMATS = ["json", "csv", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];
