import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { campaigns, providers, templates } from "@/lib/db/schema";

const DAY = 24 * 60 * 60 * 1000;

/** A provider, a template and a campaign of the organisation, as rows. */
export async function seedReportBasics(orgId: string) {
  const db = await getDb();
  const [p] = await db
    .insert(providers)
    .values({
      orgId,
      name: "Report SMS",
      type: "console",
      channel: "sms",
      priority: 0,
      costPerUnit: 0.0075,
      currency: "EUR",
    })
    .returning();
  const [t] = await db
    .insert(templates)
    .values({ orgId, name: "Welcome", channel: "sms", body: "Hi {{name}}" })
    .returning();
  const [c] = await db
    .insert(campaigns)
    .values({
      orgId,
      name: "Spring sale",
      channel: "sms",
      audience: { list_ids: [], filter: null },
      status: "completed",
    })
    .returning();
  if (!p || !t || !c) throw new Error("seed failed");
  return { providerId: p.id, templateId: t.id, campaignId: c.id };
}

/**
 * `count` outbound SMS over the `days` days before `now` in one INSERT … SELECT
 * generate_series: every 6th rejected, every 4th failed, the rest delivered;
 * cost 0.000123 each (exact sums are checkable to the micro-unit).
 */
export async function seedMessages(
  orgId: string,
  opts: {
    count: number;
    days: number;
    now: Date;
    providerId?: string;
    templateId?: string;
    campaignId?: string;
    subject?: string;
  },
) {
  const db = await getDb();
  const span = opts.days * DAY;
  await db.execute(sql`insert into messages (org_id, channel, direction, status, "to", subject, body, category,
      provider_id, provider_type, template_id, campaign_id, segments, estimated_cost, cost, currency, created_at, updated_at)
    select ${orgId}::uuid, 'sms', 'outbound',
      (case when g % 6 = 0 then 'rejected' when g % 4 = 0 then 'failed' else 'delivered' end)::message_status,
      '+1202555' || lpad((g % 10000)::text, 4, '0'), ${opts.subject ?? null}, 'Hello number ' || g, 'marketing',
      ${opts.providerId ?? null}::uuid, 'console', ${opts.templateId ?? null}::uuid, ${opts.campaignId ?? null}::uuid,
      1, 0.0075, case when g % 6 = 0 then null else 0.000123 end, 'EUR',
      ${opts.now.toISOString()}::timestamptz - (((g - 0.5) / ${opts.count}) * ${span} * interval '1 millisecond'),
      ${opts.now.toISOString()}::timestamptz
    from generate_series(1, ${opts.count}) g`);
}

/** The text of a PDF, read with poppler's pdftotext. */
export function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-pdf-"));
  const file = path.join(dir, "report.pdf");
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"]).toString("utf8");
}

/** The first page of a PDF as a PNG file (pdftoppm), for a person to look at. */
export function pdfPagePng(bytes: Buffer, outBase: string): string {
  writeFileSync(`${outBase}.pdf`, bytes);
  execFileSync("pdftoppm", [
    "-png",
    "-r",
    "60",
    "-f",
    "1",
    "-l",
    "1",
    "-singlefile",
    `${outBase}.pdf`,
    outBase,
  ]);
  return `${outBase}.png`;
}
