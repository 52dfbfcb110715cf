import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as download from "@/app/api/reports/files/[token]/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import * as one from "@/app/api/v1/reports/schedules/[id]/route";
import * as run from "@/app/api/v1/reports/schedules/[id]/run/route";
import * as runs from "@/app/api/v1/reports/schedules/[id]/runs/route";
import * as list from "@/app/api/v1/reports/schedules/route";
import { drainJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { runDueSchedules } from "@/lib/services/reports/schedules";
import { call, makeKey, makeOrg } from "../factories";
import { pdfText, seedMessages, seedReportBasics } from "../report-fixtures";
import { startSmtpSink } from "../smtp-sink";

const HOUR = 60 * 60 * 1000;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let orgId: string;
let admin: string;
let manager: string;
let staff: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  ({ orgId } = await makeOrg());
  admin = await makeKey(orgId, "admin");
  manager = await makeKey(orgId, "manager");
  staff = await makeKey(orgId, "staff");
  const created = await call(providersRoute.POST, {
    method: "POST",
    key: admin,
    body: {
      name: "Report mail",
      type: "smtp",
      priority: 1,
      sender: { email: "reports@acme.test", name: "Acme Reports" },
      config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
      credentials: {},
    },
  });
  expect(created.status).toBe(201);
  const basics = await seedReportBasics(orgId);
  await seedMessages(orgId, { count: 40, days: 7, now: new Date(), ...basics });
});

afterAll(async () => {
  await closeSmtpTransports();
  await sink.close();
});

const create = (key: string, body: unknown) => call(list.POST, { method: "POST", key, body });

describe("scheduled reports", () => {
  it("fire when due on a controlled clock and email the file as an attachment", async () => {
    const now = new Date();
    const res = await create(manager, {
      report_type: "summary",
      format: "pdf",
      frequency: "daily",
      recipients: ["boss@example.com", "cfo@example.com"],
      params: { days: 7 },
      next_run_at: new Date(now.getTime() + HOUR).toISOString(),
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      report_type: "summary",
      format: "pdf",
      frequency: "daily",
      recipients: ["boss@example.com", "cfo@example.com"],
      params: { days: 7 },
      enabled: true,
      last_run: null,
    });
    const id = res.json.id;
    const before = sink.received.length;

    expect((await runDueSchedules(now)).ran).toBe(0);
    const later = new Date(now.getTime() + 2 * HOUR);
    const first = await runDueSchedules(later);
    expect(first).toMatchObject({ ran: 1, failed: 0 });
    // The claim moved next_run_at on: a second pass at the same time sends nothing again.
    expect((await runDueSchedules(later)).ran).toBe(0);
    await drainJobs();

    const mails = sink.received.slice(before);
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual(["boss@example.com", "cfo@example.com"]);
    const mail = mails[0]?.mail;
    expect(mail?.subject).toMatch(/^Executive summary: \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/);
    expect(mail?.text).toContain("is attached");
    const att = mail?.attachments[0];
    expect(att?.contentType).toBe("application/pdf");
    expect(att?.filename).toMatch(/^summary-report-.*\.pdf$/);
    expect(pdfText(att?.content as Buffer)).toContain("Executive summary");

    const got = await call(one.GET, { key: manager, params: { id } });
    expect(got.json.last_run).toMatchObject({ status: "succeeded", error: null });
    expect(Date.parse(got.json.next_run_at)).toBe(now.getTime() + HOUR + 24 * HOUR);
    const history = await call(runs.GET, { key: manager, params: { id } });
    expect(history.json.data).toEqual([
      expect.objectContaining({ trigger: "schedule", status: "succeeded", delivery: "attachment" }),
    ]);
  });

  it("sends a file above 5 MB as a signed, expiring link", async () => {
    const big = await makeOrg();
    const key = await makeKey(big.orgId, "admin");
    await call(providersRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Big mail",
        type: "smtp",
        sender: { email: "reports@big.test" },
        config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
        credentials: {},
      },
    });
    // ~40,000 rows × ~190 bytes ≈ 7 MB of CSV.
    await seedMessages(big.orgId, {
      count: 40_000,
      days: 2,
      now: new Date(),
      subject: "A fairly long subject line",
    });
    const s = await create(key, {
      report_type: "message",
      format: "csv",
      frequency: "weekly",
      recipients: ["ops@example.com"],
      params: { days: 3 },
    });
    expect(s.status).toBe(201);
    const before = sink.received.length;
    const r = await call(run.POST, { method: "POST", key, params: { id: s.json.id } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ trigger: "manual", status: "succeeded", delivery: "link" });
    expect(r.json.size).toBeGreaterThan(5 * 1024 * 1024);
    await drainJobs();
    const mail = sink.received.slice(before)[0]?.mail;
    expect(mail?.attachments).toHaveLength(0);
    const link = String(mail?.text).match(/https?:\/\/\S+\/api\/reports\/files\/(\S+)/);
    expect(link).not.toBeNull();
    const token = link?.[1] as string;
    const res = await download.GET(new Request(`http://localhost/api/reports/files/${token}`), {
      params: Promise.resolve({ token }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = await res.text();
    expect(text.split("\n")[0]).toMatch(/^id,created_at,channel/);
    expect(text.trim().split("\n")).toHaveLength(40_001);
    // The link expires after 7 days.
    const { verifyReportFileToken } = await import("@/lib/services/reports/file-token");
    expect(verifyReportFileToken(token, new Date(Date.now() + 6 * 24 * HOUR))).not.toBeNull();
    expect(verifyReportFileToken(token, new Date(Date.now() + 8 * 24 * HOUR))).toBeNull();
    // Change one character that carries signature bits (the last one also carries padding bits).
    const at = token.length - 5;
    const forged = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
    const bad = await download.GET(new Request("http://localhost/"), {
      params: Promise.resolve({ token: forged }),
    });
    expect(bad.status).toBe(404);
  });

  it("records a failed run with its reason and shows it as the last run", async () => {
    const bare = await makeOrg();
    const key = await makeKey(bare.orgId, "manager");
    // The org's only providers are the seeded sandbox/console ones: disable nothing, but remove email.
    const { getDb } = await import("@/lib/db");
    const { providers } = await import("@/lib/db/schema");
    const { and, eq } = await import("drizzle-orm");
    await (await getDb())
      .update(providers)
      .set({ enabled: false })
      .where(and(eq(providers.orgId, bare.orgId), eq(providers.channel, "email")));
    const s = await create(key, {
      report_type: "audit",
      format: "csv",
      frequency: "monthly",
      recipients: ["x@example.com"],
    });
    const r = await call(run.POST, { method: "POST", key, params: { id: s.json.id } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/no enabled email provider/),
    });
    const got = await call(one.GET, { key, params: { id: s.json.id } });
    expect(got.json.last_run).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/email provider/),
    });
  });

  it("lists, changes and deletes schedules", async () => {
    const s = await create(manager, {
      report_type: "cost",
      frequency: "weekly",
      recipients: ["a@example.com"],
    });
    expect(s.json).toMatchObject({ format: "pdf", params: { days: 7 } });
    expect(new Date(s.json.next_run_at).getUTCHours()).toBe(6);
    const listed = await call(list.GET, { key: manager });
    expect(listed.json.data.map((x: { id: string }) => x.id)).toContain(s.json.id);
    const patched = await call(one.PATCH, {
      method: "PATCH",
      key: manager,
      params: { id: s.json.id },
      body: { enabled: false, recipients: ["b@example.com"], format: "csv" },
    });
    expect(patched.json).toMatchObject({ enabled: false, recipients: ["b@example.com"], format: "csv" });
    const del = await call(one.DELETE, { method: "DELETE", key: manager, params: { id: s.json.id } });
    expect(del.status).toBe(204);
    expect((await call(one.GET, { key: manager, params: { id: s.json.id } })).status).toBe(404);
  });

  it("answers 401, 403, 404 and 400 naming the field", async () => {
    expect((await call(list.GET, {})).status).toBe(401);
    expect((await call(list.GET, { key: staff })).status).toBe(403);
    expect(
      (await create(staff, { report_type: "cost", frequency: "daily", recipients: ["a@example.com"] }))
        .status,
    ).toBe(403);
    const bad = await create(manager, {
      report_type: "weather",
      format: "docx",
      frequency: "hourly",
      recipients: ["not-an-email"],
      params: { days: 0 },
    });
    expect(bad.status).toBe(400);
    const fields = bad.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(["report_type", "format", "frequency", "recipients.0", "params.days"]),
    );
    expect(
      (await create(manager, { report_type: "cost", frequency: "daily", recipients: [] })).json.error
        .details[0].field,
    ).toBe("recipients");

    const mine = await create(manager, {
      report_type: "cost",
      frequency: "daily",
      recipients: ["a@example.com"],
    });
    const mineParams = { id: mine.json.id };
    expect((await call(one.GET, { key: staff, params: mineParams })).status).toBe(403);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: staff, params: mineParams, body: {} })).status,
    ).toBe(403);
    expect((await call(one.DELETE, { method: "DELETE", key: staff, params: mineParams })).status).toBe(403);
    expect((await call(run.POST, { method: "POST", key: staff, params: mineParams })).status).toBe(403);
    expect((await call(runs.GET, { key: staff, params: mineParams })).status).toBe(403);
    const badPatch = await call(one.PATCH, {
      method: "PATCH",
      key: manager,
      params: mineParams,
      body: { frequency: "yearly", params: { days: -1 } },
    });
    expect(badPatch.status).toBe(400);
    expect(badPatch.json.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["frequency", "params.days"]),
    );

    const other = await makeOrg();
    const otherKey = await makeKey(other.orgId, "manager");
    const theirs = await create(otherKey, {
      report_type: "cost",
      frequency: "daily",
      recipients: ["a@example.com"],
    });
    const params = { id: theirs.json.id };
    expect((await call(one.GET, { key: manager, params })).status).toBe(404);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: manager, params, body: { enabled: false } })).status,
    ).toBe(404);
    expect((await call(one.DELETE, { method: "DELETE", key: manager, params })).status).toBe(404);
    expect((await call(run.POST, { method: "POST", key: manager, params })).status).toBe(404);
    expect((await call(runs.GET, { key: manager, params })).status).toBe(404);
    const theirCampaign = await seedReportBasics(other.orgId);
    const withCampaign = await create(manager, {
      report_type: "campaign",
      frequency: "daily",
      recipients: ["a@example.com"],
      params: { days: 7, campaign_id: theirCampaign.campaignId },
    });
    expect(withCampaign.status).toBe(404);
  });
});
