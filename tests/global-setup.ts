import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** With DATABASE_URL, migrate the shared database once before the workers start. */
export default async function setup(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "sb-test-"));
  const { getDb, closeDb } = await import("../lib/db");
  await getDb();
  await closeDb();
}
