import { and, asc, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { csvLines } from "@/lib/csv";
import { getDb } from "@/lib/db";
import { campaigns, providers, type ReportFormat, type ReportType } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { variantStats } from "@/lib/services/campaigns/ab";
import { getCampaignInOrg } from "@/lib/services/campaigns/campaigns";
import type { Ctx } from "@/lib/services/context";
import { freshenRollups } from "@/lib/services/rollups/refresh";
import { MAX_REPORT_DAYS } from "@/lib/validation/reports";
import type { PdfTable } from "./pdf";
import { type Range, type ReportScope, rowSet } from "./sources";
import {
  copyCsv,
  formatAmount,
  type KeysetSource,
  money,
  type Row,
  readPages,
  type WholeSource,
} from "./stream";
import { highlights, type SummaryAggregates, summaryAggregates } from "./summary";
import { dailyVolume, reportTotals } from "./totals";

const DAY = 24 * 60 * 60 * 1000;
/** JSON answers carry at most this many rows; the CSV carries every row. */
export const JSON_ROW_LIMIT = 10_000;
/** The PDF's table stops here; the CSV carries every row. */
export const PDF_ROW_LIMIT = 300;

export const REPORT_TITLES: Record<ReportType, string> = {
  campaign: "Campaign report",
  message: "Message report",
  conversation: "Conversation report",
  audit: "Audit report",
  summary: "Executive summary",
  cost: "Cost report",
};

/** since/until/days → the range, or a 400 naming the field. */
export function resolveRange(
  q: { days?: number | undefined; since?: string | undefined; until?: string | undefined },
  now: Date = new Date(),
): Range {
  const until = q.until ? new Date(q.until) : now;
  const since = q.since ? new Date(q.since) : new Date(until.getTime() - (q.days ?? 30) * DAY);
  if (since.getTime() >= until.getTime()) {
    throw AppError.validation([{ field: "until", message: "must be after since" }]);
  }
  if (until.getTime() - since.getTime() > MAX_REPORT_DAYS * DAY) {
    throw AppError.validation([
      { field: "since", message: `must be at most ${MAX_REPORT_DAYS} days before until` },
    ]);
  }
  return { since, until };
}

/** The organisation's reporting currency: its first enabled provider's, else USD. */
export async function orgCurrency(orgId: string): Promise<string> {
  const db = await getDb();
  const [p] = await db
    .select({ currency: providers.currency })
    .from(providers)
    .where(and(eq(providers.orgId, orgId), eq(providers.enabled, true)))
    .orderBy(asc(providers.priority))
    .limit(1);
  return p?.currency ?? "USD";
}

export interface ReportRequest {
  type: ReportType;
  range: Range;
  format: ReportFormat;
  campaignId?: string | undefined;
  title?: string;
}

export type GeneratedReport =
  | { format: "json"; body: Record<string, unknown>; filename: string }
  | { format: "csv"; body: AsyncIterable<Buffer>; filename: string }
  | { format: "pdf"; bytes: Buffer; filename: string };

interface Prepared {
  scope: ReportScope;
  meta: { type: ReportType; since: string; until: string; generated_at: string; currency: string };
  summary: SummaryAggregates | null;
  columns: string[];
  numeric: string[];
  pdfColumns: string[];
  pages: () => AsyncGenerator<Row[]>;
  /** Where the rows come from, when a query (the summary's are computed here). */
  source: KeysetSource | WholeSource | null;
}

async function prepare(ctx: Ctx, req: ReportRequest, now: Date): Promise<Prepared> {
  requirePermission(ctx, "reports:read");
  if (req.campaignId) {
    if (req.type !== "campaign") {
      throw AppError.validation([{ field: "campaign_id", message: "applies only to the campaign report" }]);
    }
    await getCampaignInOrg(await getDb(), ctx, req.campaignId);
  }
  const scope: ReportScope = { orgId: ctx.orgId, ...req.range, campaignId: req.campaignId };
  const meta = {
    type: req.type,
    since: req.range.since.toISOString(),
    until: req.range.until.toISOString(),
    generated_at: now.toISOString(),
    currency: await orgCurrency(ctx.orgId),
  };
  if (req.type === "summary") {
    const summary = await summaryAggregates(ctx.orgId, req.range);
    const days = summary.days as unknown as Row[];
    return {
      scope,
      meta,
      summary,
      columns: ["date", "messages", "delivered", "failed", "cost"],
      numeric: ["messages", "delivered", "failed", "cost"],
      pdfColumns: ["date", "messages", "delivered", "failed", "cost"],
      pages: async function* () {
        yield days;
      },
      source: null,
    };
  }
  if (req.type === "cost") await freshenRollups(await getDb(), "cost report");
  const set = rowSet(req.type, scope);
  return {
    scope,
    meta,
    summary: null,
    columns: set.columns,
    numeric: set.numeric,
    pdfColumns: set.pdfColumns,
    pages: () => readPages(set.source),
    source: set.source,
  };
}

const isMoney = (c: string) => c === "cost" || c === "estimated_cost";

function jsonRow(r: Row, p: Prepared): Record<string, unknown> {
  return Object.fromEntries(
    p.columns.map((c) => {
      const v = r[c];
      if (v === null || v === undefined) return [c, null];
      if (p.numeric.includes(c)) return [c, isMoney(c) ? money(v) : Number(v)];
      return [c, v];
    }),
  );
}

function summaryBody(s: SummaryAggregates, currency: string) {
  const { current: c, previous: p } = s;
  return {
    messages: c.messages,
    delivery_rate: c.delivery_rate,
    opt_out_rate: c.opt_out_rate,
    cost: c.cost,
    top_templates: s.topTemplates,
    providers: s.providers,
    previous_period: {
      since: p.since,
      until: p.until,
      messages: p.messages,
      delivery_rate: p.delivery_rate,
      opt_out_rate: p.opt_out_rate,
      cost: p.cost,
      providers: s.previousProviders,
    },
    highlights: highlights(s, currency),
  };
}

async function totalsOf(p: Prepared): Promise<Record<string, unknown>> {
  if (p.summary) {
    const c = p.summary.current;
    return {
      messages: c.messages.total,
      delivered: c.delivered,
      delivery_rate: c.delivery_rate,
      opt_outs: c.opt_outs,
      opt_out_rate: c.opt_out_rate,
      cost: c.cost,
    };
  }
  const totals = await reportTotals(p.meta.type, p.scope);
  if (p.meta.type !== "campaign" || !p.scope.campaignId) return totals;
  // An A/B campaign's report carries one row per variant (the campaign's own counters, as on its page).
  const db = await getDb();
  const [c] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, p.scope.campaignId), eq(campaigns.orgId, p.scope.orgId)));
  const variants = c ? await variantStats(db, c) : [];
  return variants.length ? { ...totals, variants, winner: c?.winner ?? null } : totals;
}

/** The per-variant table of an A/B campaign's PDF report. */
function variantTable(totals: Record<string, unknown>): PdfTable[] {
  const variants = totals.variants as Awaited<ReturnType<typeof variantStats>> | undefined;
  if (!variants?.length) return [];
  const columns = ["variant", "targeted", "sent", "delivered", "opened", "clicked"];
  return [
    {
      title: "Variants",
      columns,
      numeric: columns.slice(1),
      rows: variants.map((v) => [
        totals.winner === v.name ? `${v.name} (winner)` : v.name,
        String(v.targeted),
        String(v.sent),
        String(v.delivered),
        String(v.opened),
        String(v.clicked),
      ]),
    },
  ];
}

const filenameOf = (req: ReportRequest, ext: string) =>
  `${req.type}-report-${req.range.since.toISOString().slice(0, 10)}-to-${req.range.until.toISOString().slice(0, 10)}.${ext}`;

const shortTime = (v: string) => (/^\d{4}-\d\d-\d\dT/.test(v) ? v.slice(0, 16).replace("T", " ") : v);

function label(k: string): string {
  const s = k.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function formatTotal(k: string, v: unknown, currency: string): string | null {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return null;
  if (typeof v === "number" && k.endsWith("_rate")) return `${(v * 100).toFixed(1)} %`;
  if (typeof v === "number" && (k === "cost" || k === "estimated_cost"))
    return `${formatAmount(v)} ${currency}`;
  return String(v);
}

/** The points with a zero for each UTC day of the range that has none (at most 731). */
function everyDay(range: Range, points: { date: string; value: number }[]) {
  const byDate = new Map(points.map((p) => [p.date, p.value]));
  const out: { date: string; value: number }[] = [];
  const last = new Date(range.until.getTime() - 1).toISOString().slice(0, 10);
  for (let d = new Date(range.since.toISOString().slice(0, 10)); ; d = new Date(d.getTime() + DAY)) {
    const date = d.toISOString().slice(0, 10);
    out.push({ date, value: byDate.get(date) ?? 0 });
    if (date >= last) break;
  }
  return out;
}

/** One report, in the asked format: JSON body, streamed CSV rows, or PDF bytes. */
export async function generateReport({
  ctx,
  request,
  now = new Date(),
}: {
  ctx: Ctx;
  request: ReportRequest;
  now?: Date;
}): Promise<GeneratedReport> {
  const p = await prepare(ctx, request, now);
  if (request.format === "csv") {
    const { source, columns } = p;
    return {
      format: "csv",
      filename: filenameOf(request, "csv"),
      body: (async function* () {
        yield Buffer.from(csvLines([columns]));
        // Row sources on Postgres: COPY writes the same cells itself; else pages through lib/csv.
        const copied = source?.kind === "keyset" ? await copyCsv(source, columns) : null;
        yield* copied ??
          csvText(
            (async function* () {
              for await (const page of p.pages()) yield page.map((r) => columns.map((c) => r[c] ?? ""));
            })(),
          );
      })(),
    };
  }
  const totals = await totalsOf(p);
  if (request.format === "json") {
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    outer: for await (const page of p.pages()) {
      for (const r of page) {
        if (rows.length >= JSON_ROW_LIMIT) {
          truncated = true;
          break outer;
        }
        rows.push(jsonRow(r, p));
      }
    }
    return {
      format: "json",
      filename: filenameOf(request, "json"),
      body: {
        ...p.meta,
        rows,
        totals,
        ...(truncated ? { truncated } : {}),
        ...(p.summary ? summaryBody(p.summary, p.meta.currency) : {}),
      },
    };
  }
  // PDF: the first PDF_ROW_LIMIT rows in a table, the totals, and volume per day as a chart.
  const rows: string[][] = [];
  let more = false;
  outer: for await (const page of p.pages()) {
    for (const r of page) {
      if (rows.length >= PDF_ROW_LIMIT) {
        more = true;
        break outer;
      }
      rows.push(
        p.pdfColumns.map((c) => {
          const v = r[c];
          if (v === null || v === undefined || v === "") return "—";
          if (isMoney(c)) return formatAmount(money(v));
          if (c.endsWith("_rate")) return `${(Number(v) * 100).toFixed(1)} %`;
          return shortTime(String(v));
        }),
      );
    }
  }
  const tables: PdfTable[] = [
    ...variantTable(totals),
    {
      title: request.type === "summary" ? "Per day" : "Rows",
      columns: p.pdfColumns,
      numeric: p.numeric,
      rows,
      ...(more ? { note: `The first ${PDF_ROW_LIMIT} rows; download the CSV for every row.` } : {}),
    },
  ];
  if (p.summary) {
    const s = summaryBody(p.summary, p.meta.currency);
    tables.unshift(
      {
        title: "Providers",
        columns: ["provider", "messages", "delivered", "delivery_rate", "cost"],
        numeric: ["messages", "delivered", "delivery_rate", "cost"],
        rows: s.providers.map((x) => [
          x.name,
          String(x.messages),
          String(x.delivered),
          x.delivery_rate === null ? "—" : `${(x.delivery_rate * 100).toFixed(1)} %`,
          formatAmount(x.cost),
        ]),
      },
      {
        title: "Top templates",
        columns: ["template", "messages", "delivered", "delivery_rate"],
        numeric: ["messages", "delivered", "delivery_rate"],
        rows: s.top_templates.map((t) => [
          t.name,
          String(t.messages),
          String(t.delivered),
          t.delivery_rate === null ? "—" : `${(t.delivery_rate * 100).toFixed(1)} %`,
        ]),
      },
    );
  }
  const chartPoints = everyDay(
    request.range,
    p.summary
      ? p.summary.days.map((d) => ({ date: d.date, value: d.messages }))
      : await dailyVolume(request.type, p.scope),
  );
  // react-pdf is large: loaded only when a PDF is asked for.
  const { renderReportPdf } = await import("./pdf");
  const bytes = await renderReportPdf({
    title: request.title ?? REPORT_TITLES[request.type],
    range: `${shortTime(p.meta.since)} – ${shortTime(p.meta.until)} UTC`,
    generatedAt: `${shortTime(p.meta.generated_at)} UTC`,
    currency: p.meta.currency,
    totals: Object.entries(totals).flatMap(([k, v]) => {
      const f = formatTotal(k, v, p.meta.currency);
      return f === null ? [] : [[label(k), f] as [string, string]];
    }),
    highlights: p.summary ? highlights(p.summary, p.meta.currency) : undefined,
    chart: {
      title: request.type === "audit" ? "Audit entries per day" : "Messages per day",
      points: chartPoints,
    },
    tables,
  });
  return { format: "pdf", bytes, filename: filenameOf(request, "pdf") };
}

/** CSV text a page of rows at a time, cells made formula-safe. */
export async function* csvText(pages: AsyncIterable<unknown[][]>): AsyncGenerator<Buffer> {
  for await (const page of pages) if (page.length) yield Buffer.from(csvLines(page));
}

/** The whole report as bytes (for scheduled runs that store and email it). */
export async function reportBytes(r: GeneratedReport): Promise<{ bytes: Buffer; contentType: string }> {
  if (r.format === "pdf") return { bytes: r.bytes, contentType: "application/pdf" };
  if (r.format === "json") {
    return { bytes: Buffer.from(JSON.stringify(r.body, null, 2)), contentType: "application/json" };
  }
  const chunks: Buffer[] = [];
  for await (const c of r.body) chunks.push(c);
  return { bytes: Buffer.concat(chunks), contentType: "text/csv; charset=utf-8" };
}
