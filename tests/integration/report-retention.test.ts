import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as settings from "@/app/api/v1/settings/route";
import { getDb } from "@/lib/db";
import { auditLog, messages, reportFiles } from "@/lib/db/schema";
import { runRetention } from "@/lib/services/reports/retention";
import { call, makeKey, makeOrg } from "../factories";
import { seedMessages } from "../report-fixtures";

const DAY = 24 * 60 * 60 * 1000;

async function bodies(orgId: string) {
  const db = await getDb();
  return db
    .select({
      createdAt: messages.createdAt,
      body: messages.body,
      variables: messages.variables,
      status: messages.status,
      cost: messages.cost,
    })
    .from(messages)
    .where(eq(messages.orgId, orgId));
}

describe("daily retention", () => {
  it("sets retention_days through the settings API, refusing bad values by name", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "admin");
    const ok = await call(settings.PATCH, { method: "PATCH", key, body: { retention_days: 30 } });
    expect(ok.status).toBe(200);
    expect(ok.json.retention_days).toBe(30);
    for (const v of [0, 3.5, "abc", 99999]) {
      const bad = await call(settings.PATCH, { method: "PATCH", key, body: { retention_days: v } });
      expect(bad.status, String(v)).toBe(400);
      expect(bad.json.error.details[0].field).toBe("retention_days");
    }
    const off = await call(settings.PATCH, { method: "PATCH", key, body: { retention_days: null } });
    expect(off.json.retention_days).toBeNull();
    const manager = await makeKey(orgId, "manager");
    expect(
      (await call(settings.PATCH, { method: "PATCH", key: manager, body: { retention_days: 9 } })).status,
    ).toBe(403);
  });

  it("purges only bodies older than the organisation's retention and keeps counts and costs", async () => {
    const now = new Date();
    const a = await makeOrg();
    const b = await makeOrg();
    const key = await makeKey(a.orgId, "admin");
    await call(settings.PATCH, { method: "PATCH", key, body: { retention_days: 30 } });
    const db = await getDb();
    for (const org of [a, b]) {
      // 10 old (40-50 days ago) and 10 recent (within 10 days).
      await seedMessages(org.orgId, { count: 10, days: 10, now: new Date(now.getTime() - 40 * DAY) });
      await seedMessages(org.orgId, { count: 10, days: 10, now });
    }
    await db.execute(
      sql`update messages set variables = '{"name":"Ada"}'::jsonb where org_id in (${a.orgId}::uuid, ${b.orgId}::uuid)`,
    );

    const result = await runRetention(now);
    expect(result.message_bodies_purged).toBeGreaterThanOrEqual(10);
    const cut = now.getTime() - 30 * DAY;
    const rowsA = await bodies(a.orgId);
    expect(rowsA).toHaveLength(20);
    for (const r of rowsA) {
      if (r.createdAt.getTime() < cut) {
        expect(r.body).toBeNull();
        expect(r.variables).toBeNull();
      } else {
        expect(r.body).toMatch(/^Hello number/);
        expect(r.variables).toEqual({ name: "Ada" });
      }
    }
    // Status and cost stay on purged rows, so reports still add up.
    expect(rowsA.filter((r) => r.cost !== null)).toHaveLength(pricedCount(rowsA));
    const rowsBOrg = await bodies(b.orgId);
    expect(rowsBOrg.every((r) => r.body !== null)).toBe(true);
    const audit = await db.select().from(auditLog).where(eq(auditLog.orgId, a.orgId));
    expect(audit.find((e) => e.action === "messages.bodies_purged")?.changes).toMatchObject({
      messages: 10,
      retention_days: 30,
    });
    // A second pass finds nothing left to purge.
    expect((await runRetention(now)).message_bodies_purged).toBe(0);
  });

  it("deletes generated report files older than 90 days only", async () => {
    const now = new Date();
    const { orgId } = await makeOrg();
    const db = await getDb();
    const file = (days: number, filename: string) => ({
      orgId,
      filename,
      contentType: "text/csv",
      size: 3,
      content: Buffer.from("a,b"),
      createdAt: new Date(now.getTime() - days * DAY),
    });
    await db.insert(reportFiles).values([file(91, "old.csv"), file(89, "recent.csv"), file(1, "new.csv")]);
    const r = await runRetention(now);
    expect(r.files_deleted).toBeGreaterThanOrEqual(1);
    const left = await db
      .select({ filename: reportFiles.filename })
      .from(reportFiles)
      .where(eq(reportFiles.orgId, orgId));
    expect(left.map((f) => f.filename).sort()).toEqual(["new.csv", "recent.csv"]);
    const audit = await db.select().from(auditLog).where(eq(auditLog.orgId, orgId));
    expect(audit.find((e) => e.action === "report_files.deleted")?.changes).toMatchObject({ files: 1 });
  });
});

/** Priced rows (every 6th seeded message is rejected and unpriced). */
function pricedCount(rows: { status: string }[]) {
  return rows.filter((r) => r.status !== "rejected").length;
}
