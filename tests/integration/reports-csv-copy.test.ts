import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { csvLines } from "@/lib/csv";
import { databaseMode, getDb } from "@/lib/db";
import { rowSet } from "@/lib/services/reports/sources";
import { copyCsv, readPages } from "@/lib/services/reports/stream";
import { makeOrg } from "../factories";
import { seedMessages, seedReportBasics } from "../report-fixtures";

const TRICKY = [
  '=HYPERLINK("x")',
  "+1 more",
  "-5 off",
  "@home",
  "\tindented",
  "\rcarriage",
  'say "hi", then go',
  "two\nlines",
  "",
  null,
  "plain",
  "it's fine",
  "ünïcödé ✓",
];

describe("CSV through PostgreSQL's COPY", () => {
  it("writes byte for byte what lib/csv writes from the same rows", async () => {
    if ((await databaseMode()) !== "postgres") {
      // PGlite has no COPY to a client stream: exports page through lib/csv there (covered by reports.test.ts).
      expect(
        await copyCsv(
          rowSet("message", { orgId: "x", since: new Date(), until: new Date() }).source as never,
          [],
        ),
      ).toBeNull();
      return;
    }
    const { orgId } = await makeOrg();
    const basics = await seedReportBasics(orgId);
    const now = new Date();
    await seedMessages(orgId, { count: TRICKY.length * 3, days: 1, now, ...basics });
    const db = await getDb();
    const texts = `{${TRICKY.map((t) => (t === null ? "NULL" : `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
    // Spread the tricky values over subject and error, in created_at order.
    await db.execute(sql`
      update messages m set subject = (${texts}::text[])[1 + (x.n % ${TRICKY.length})],
        error = (${texts}::text[])[1 + ((x.n + 5) % ${TRICKY.length})]
      from (select id, row_number() over (order by created_at, id) as n from messages where org_id = ${orgId}::uuid) x
      where m.id = x.id`);
    const set = rowSet("message", { orgId, since: new Date(now.getTime() - 2 * 86400000), until: now });
    if (set.source.kind !== "keyset") throw new Error("the message report is a keyset source");
    let expected = "";
    for await (const page of readPages(set.source, 7)) {
      expected += csvLines(page.map((r) => set.columns.map((c) => r[c] ?? "")));
    }
    const copied = await copyCsv(set.source, set.columns);
    if (!copied) throw new Error("COPY is available on Postgres");
    const chunks: Buffer[] = [];
    for await (const c of copied) chunks.push(c);
    const actual = Buffer.concat(chunks).toString("utf8");
    expect(actual).toContain(`"'=HYPERLINK(""x"")"`);
    expect(actual).toContain(",'-5 off,");
    expect(actual).toBe(expected);
    // The pool stays usable after a COPY (postgres.js hangs a later COPY if the query is left unsettled).
    for (let i = 0; i < 3; i++) {
      const again = await copyCsv(set.source, set.columns);
      let n = 0;
      for await (const c of again ?? []) n += c.length;
      expect(n).toBe(Buffer.byteLength(expected));
    }
  });
});
