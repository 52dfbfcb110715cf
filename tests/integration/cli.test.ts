import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { uniq } from "../factories";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

// The CLI runs as its own process on its own data directory (embedded PGlite
// admits one process per directory), or on DATABASE_URL when set.
async function cli(dataDir: string, ...args: string[]) {
  try {
    // `npm run cli`: the compiled entry point (compiled first when dist/ is stale), as in production.
    const { stdout, stderr } = await run(process.execPath, ["scripts/launch.mjs", "cli", ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function keyHashesIn(dataDir: string): Promise<string[]> {
  if (process.env.DATABASE_URL) {
    const { getDb } = await import("@/lib/db");
    const { apiKeys } = await import("@/lib/db/schema");
    return (await (await getDb()).select({ h: apiKeys.keyHash }).from(apiKeys)).map((r) => r.h);
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const pg = await PGlite.create(path.join(dataDir, "pglite"));
  const res = await pg.query<{ key_hash: string }>("select key_hash from api_keys");
  await pg.close();
  return res.rows.map((r) => r.key_hash);
}

// Each command is a process of its own opening the database: slow on a loaded machine.
describe("npm run cli", { timeout: 120_000 }, () => {
  it("migrates, creates users and prints an API key alone on the last line", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-cli-"));
    expect((await cli(dir, "migrate")).stdout).toContain("Migrations applied");
    const org = uniq("CLI Org");
    const user = await cli(
      dir,
      "user:create",
      "--email",
      `${uniq("ops")}@example.test`,
      "--password",
      "a-long-password",
      "--org",
      org,
      "--role",
      "manager",
    );
    expect(user.code).toBe(0);
    expect(user.stdout).toContain(`as manager of "${org}"`);

    const key = await cli(dir, "apikey:create", "--org", org, "--role", "staff", "--name", "ci");
    expect(key.code).toBe(0);
    const last = key.stdout.trim().split("\n").pop() ?? "";
    expect(last).toMatch(/^sb_[A-Za-z0-9_-]{40,}$/);
    expect(await keyHashesIn(dir)).toContain(createHash("sha256").update(last).digest("hex"));
  });

  it("names each bad or missing option and exits non-zero", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-cli-"));
    const bad = await cli(
      dir,
      "user:create",
      "--email",
      "nope",
      "--password",
      "short",
      "--org",
      "X",
      "--role",
      "boss",
    );
    expect(bad.code).toBe(2);
    for (const f of ["--email", "--password", "--role"]) expect(bad.stderr).toContain(f);
    const missing = await cli(dir, "apikey:create", "--role", "admin");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--org: is required");
    const unknown = await cli(dir, "frobnicate");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Usage");
  });
});
