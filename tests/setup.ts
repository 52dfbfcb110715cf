import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

// Each test file gets its own DATA_DIR: on PGlite that is its own database;
// with DATABASE_URL the files share Postgres and tell their rows apart by organisation.
process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "sb-test-"));

// The job functions, as boot hands them to the runner (loaded when a test first emits or runs jobs).
const { setJobFunctions } = await import("@/lib/jobs/functions");
setJobFunctions(() => import("@/inngest").then((m) => m.functions));

afterAll(async () => {
  const { closeDb } = await import("@/lib/db");
  await closeDb();
});
