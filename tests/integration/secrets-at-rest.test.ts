import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as keys from "@/app/api/v1/api-keys/route";
import * as users from "@/app/api/v1/users/route";
import { getDb } from "@/lib/db";
import { call, makeKey, makeOrg, uniq } from "../factories";

describe("secrets at rest", () => {
  it("a dump of every table holds no plaintext API key or password", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const created = await call(keys.POST, {
      method: "POST",
      key: admin,
      body: { name: "dump-check", role: "staff" },
    });
    const password = `pw-${uniq("secret")}`;
    await call(users.POST, {
      method: "POST",
      key: admin,
      body: { email: `${uniq("d")}@example.test`, role: "staff", password },
    });

    const db = await getDb();
    const tables = (await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    )) as unknown as { rows?: { table_name: string }[] } & { table_name: string }[];
    const names = (tables.rows ?? tables).map((t) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(["users", "api_keys", "audit_log"]));
    let dump = "";
    for (const name of names) {
      const rows = (await db.execute(
        sql.raw(`select row_to_json(t)::text as j from "${name}" t`),
      )) as unknown as { rows: { j: string }[] } | { j: string }[];
      dump += ("rows" in rows ? rows.rows : rows).map((r) => r.j).join("\n");
    }
    expect(dump).toContain(created.json.prefix);
    expect(dump).not.toContain(created.json.key);
    expect(dump).not.toContain(admin);
    expect(dump).not.toContain(password);
    expect(dump).toMatch(/\$2[aby]\$12\$/); // bcrypt hashes are what is stored
  });
});
