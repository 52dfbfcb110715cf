import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as costReport from "@/app/api/v1/costs/report/route";
import * as audit from "@/app/api/v1/reports/audit/route";
import * as campaign from "@/app/api/v1/reports/campaign/route";
import * as conversation from "@/app/api/v1/reports/conversation/route";
import * as cost from "@/app/api/v1/reports/cost/route";
import * as message from "@/app/api/v1/reports/message/route";
import * as summary from "@/app/api/v1/reports/summary/route";
import { getDb } from "@/lib/db";
import { rebuildRollups } from "@/lib/services/rollups/refresh";
import { makeKey, makeOrg } from "../factories";
import { pdfPagePng, pdfText, seedMessages, seedReportBasics } from "../report-fixtures";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROUTES: Record<string, Handler> = {
  campaign: campaign.GET,
  message: message.GET,
  conversation: conversation.GET,
  audit: audit.GET,
  summary: summary.GET,
  cost: cost.GET,
};

async function get(handler: Handler, key: string | undefined, query: string) {
  const headers = new Headers();
  if (key) headers.set("authorization", `Bearer ${key}`);
  return handler(new Request(`http://localhost/api/v1/reports?${query}`, { headers }), {
    params: Promise.resolve({}),
  });
}

const now = new Date();
let org: string;
let admin: string;
let manager: string;
let staff: string;
let basics: Awaited<ReturnType<typeof seedReportBasics>>;

beforeAll(async () => {
  const { orgId } = await makeOrg();
  org = orgId;
  admin = await makeKey(orgId, "admin");
  manager = await makeKey(orgId, "manager");
  staff = await makeKey(orgId, "staff");
  basics = await seedReportBasics(orgId);
  // 60 in the last 10 days (this period), 30 in the 10 days before (the previous one).
  await seedMessages(orgId, { count: 60, days: 10, now, ...basics, subject: '=HYPERLINK("x")' });
  await seedMessages(orgId, { count: 30, days: 10, now: new Date(now.getTime() - 10 * 86400000), ...basics });
  // The summary and cost reports read the hourly rollups; the seeds' updated_at lies in the past, so rebuild
  // the org's recent hours as the nightly cron would.
  await rebuildRollups(await getDb(), { since: new Date(now.getTime() - 40 * 86400000), until: now, orgId });
});

describe("GET /reports/{type}", () => {
  it("answers every type as JSON with the SPEC shape", async () => {
    for (const [type, handler] of Object.entries(ROUTES)) {
      const res = await get(handler, manager, "days=10");
      expect(res.status, type).toBe(200);
      const body = await res.json();
      expect(body, type).toMatchObject({ type, currency: "EUR" });
      expect(Date.parse(body.since), type).toBeGreaterThan(0);
      expect(Date.parse(body.until) - Date.parse(body.since), type).toBe(10 * 86400000);
      expect(Array.isArray(body.rows), type).toBe(true);
      expect(typeof body.totals, type).toBe("object");
      expect(body.generated_at, type).toMatch(/Z$/);
    }
  });

  it("sums money exactly in the database", async () => {
    const body = await (await get(message.GET, manager, "days=10")).json();
    expect(body.rows).toHaveLength(60);
    expect(body.totals.messages).toBe(60);
    // 50 priced at 0.000123; 10 rejected (cost 0, never attempted).
    expect(body.totals.cost).toBe(0.00615);
    expect(body.totals.by_status).toEqual({ delivered: 40, failed: 10, rejected: 10 });
    const c = await (await get(cost.GET, manager, "days=10")).json();
    expect(c.totals.cost).toBe(0.00615);
    expect(c.rows.every((r: { provider: string }) => r.provider === "Report SMS")).toBe(true);
  });

  it("compares the summary with the previous period and says what changed most", async () => {
    const body = await (await get(summary.GET, admin, "days=10")).json();
    expect(body.messages.total).toBe(60);
    expect(body.previous_period.messages.total).toBe(30);
    expect(body.delivery_rate).toBeCloseTo(40 / 50, 4);
    expect(body.cost).toBe(0.00615);
    expect(body.previous_period.cost).toBeCloseTo(25 * 0.000123, 9);
    expect(body.top_templates[0]).toMatchObject({ name: "Welcome", messages: 60 });
    expect(body.providers[0]).toMatchObject({ name: "Report SMS", messages: 60, delivered: 40 });
    expect(body.highlights[0]).toMatch(/Volume rose 100 % to 60 messages \(from 30\)/);
    expect(body.opt_out_rate).toBe(0);
  });

  it("reports one campaign's messages, and another organisation's campaign is a 404", async () => {
    const one = await (await get(campaign.GET, manager, `days=30&campaign_id=${basics.campaignId}`)).json();
    expect(one.rows).toHaveLength(90);
    expect(one.totals.messages).toBe(90);
    const all = await (await get(campaign.GET, manager, "days=30")).json();
    expect(all.rows).toEqual([
      expect.objectContaining({
        name: "Spring sale",
        messages: 90,
        delivered: 60,
        failed: 15,
        rejected: 15,
        cost: 0.009225,
      }),
    ]);
    const other = await makeOrg();
    const theirs = await seedReportBasics(other.orgId);
    const res = await get(campaign.GET, manager, `campaign_id=${theirs.campaignId}`);
    expect(res.status).toBe(404);
  });

  it("streams CSV with a header row and formula-like cells escaped", async () => {
    for (const [type, handler] of Object.entries(ROUTES)) {
      const res = await get(handler, manager, "days=10&format=csv");
      expect(res.status, type).toBe(200);
      expect(res.headers.get("content-type"), type).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition"), type).toMatch(new RegExp(`${type}-report-.*\\.csv`));
      const text = await res.text();
      const [header] = text.split("\n");
      expect(header?.length, type).toBeGreaterThan(3);
      if (type === "message") {
        expect(header).toBe(
          "id,created_at,channel,direction,status,to,from,subject,category,template_id,campaign_id,provider_type,segments,estimated_cost,cost,currency,sent_at,delivered_at,error",
        );
        expect(text.trim().split("\n")).toHaveLength(61);
        expect(text).toContain(`"'=HYPERLINK(""x"")"`);
        expect(text).not.toMatch(/,=HYPERLINK/);
      }
    }
  });

  it("renders every type as a PDF with its title, range, totals and a chart", async () => {
    const titles: Record<string, string> = {
      campaign: "Campaign report",
      message: "Message report",
      conversation: "Conversation report",
      audit: "Audit report",
      summary: "Executive summary",
      cost: "Cost report",
    };
    for (const [type, handler] of Object.entries(ROUTES)) {
      const res = await get(handler, manager, "days=10&format=pdf");
      expect(res.status, type).toBe(200);
      expect(res.headers.get("content-type"), type).toBe("application/pdf");
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString(), type).toBe("%PDF-");
      const text = pdfText(bytes);
      expect(text, type).toContain(titles[type]);
      expect(text, type).toContain("Totals");
      expect(text, type).toMatch(/UTC/);
      expect(text, type).toMatch(/per day/);
      if (type === "summary") {
        expect(text).toContain("What changed");
        expect(text).toContain("Volume rose 100 %");
        expect(text).toContain("Report SMS");
        const png = pdfPagePng(bytes, path.join(tmpdir(), "sb-summary-report"));
        expect(existsSync(png)).toBe(true);
      }
      if (type === "message") expect(text).toContain("+1202555");
    }
  });

  it("answers 401 without a key, 403 for staff, 400 naming the bad field", async () => {
    expect((await get(summary.GET, undefined, "")).status).toBe(401);
    const forbidden = await get(summary.GET, staff, "");
    expect(forbidden.status).toBe(403);
    for (const [query, field] of [
      ["days=0", "days"],
      ["days=abc", "days"],
      ["format=xls", "format"],
      ["since=yesterday", "since"],
      ["since=2026-11-10&until=2026-11-01", "until"],
      ["campaign_id=nope", "campaign_id"],
    ] as const) {
      const res = await get(summary.GET, manager, query);
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(
        body.error.details.map((d: { field: string }) => d.field),
        query,
      ).toContain(field);
    }
    const wrongType = await get(message.GET, manager, `campaign_id=${basics.campaignId}`);
    expect(wrongType.status).toBe(400);
  });
});

describe("GET /costs/report", () => {
  it("reports a billing period in every format", async () => {
    const today = now.toISOString().slice(0, 10);
    const start = new Date(now.getTime() - 9 * 86400000).toISOString().slice(0, 10);
    const json = await (await get(costReport.GET, manager, `start_date=${start}&end_date=${today}`)).json();
    expect(json).toMatchObject({ type: "cost", since: `${start}T00:00:00.000Z` });
    expect(json.totals.messages).toBeGreaterThanOrEqual(54);
    const csv = await get(costReport.GET, manager, `start_date=${start}&end_date=${today}&format=csv`);
    expect((await csv.text()).split("\n")[0]).toBe(
      "date,channel,provider_id,provider,provider_type,messages,segments,cost,currency",
    );
    const pdf = await get(costReport.GET, manager, `start_date=${start}&end_date=${today}&format=pdf`);
    expect(pdfText(Buffer.from(await pdf.arrayBuffer()))).toContain("Cost report (billing period)");
  });

  it("refuses bad dates and other roles", async () => {
    expect((await get(costReport.GET, undefined, "")).status).toBe(401);
    expect((await get(costReport.GET, staff, "")).status).toBe(403);
    const bad = await get(costReport.GET, manager, "start_date=2026-13-01");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("start_date");
    const reversed = await get(costReport.GET, manager, "start_date=2026-11-10&end_date=2026-11-01");
    expect((await reversed.json()).error.details[0].field).toBe("end_date");
  });
});

describe("summary and cost reports read the rollups", () => {
  it("ignores a change to messages until the rollups are rebuilt", async () => {
    const db = await getDb();
    const before = await (await get(summary.GET, manager, "days=10")).json();
    const costBefore = await (await get(cost.GET, manager, "days=10")).json();
    // A price change the minute refresh cannot see (updated_at in the past): only a rebuild brings it in.
    await db.execute(sql`update messages set cost = cost + 1, updated_at = now() - interval '3 days'
      where org_id = ${org}::uuid and status = 'delivered' and created_at > now() - interval '10 days'`);
    const stale = await (await get(summary.GET, manager, "days=10")).json();
    expect(stale.cost).toBe(before.cost);
    expect((await (await get(cost.GET, manager, "days=10")).json()).totals.cost).toBe(costBefore.totals.cost);
    await rebuildRollups(db, {
      since: new Date(now.getTime() - 40 * 86400000),
      until: new Date(),
      orgId: org,
    });
    const fresh = await (await get(summary.GET, manager, "days=10")).json();
    expect(fresh.cost).toBeCloseTo(before.cost + 40, 6);
    const costAfter = await (await get(cost.GET, manager, "days=10")).json();
    expect(costAfter.totals.cost).toBeCloseTo(costBefore.totals.cost + 40, 6);
  });
});
