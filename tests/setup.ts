import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

// Each test file gets its own DATA_DIR: on PGlite that is its own database;
// with DATABASE_URL the files share Postgres and tell their rows apart by organisation.
process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "sb-test-"));

// The job functions, as boot hands them to the runner (loaded when a test first emits or runs jobs).
const { setJobFunctions } = await import("@/lib/jobs/functions");
setJobFunctions(() => import("@/inngest").then((m) => m.functions));

// On the shared Postgres the files run one at a time, so jobs still pending or running
// now were left by files that have finished (sends to providers long gone, retrying with
// backoff). Left alone they fall due in the middle of later files and fill their runners'
// claims; they are retired so that each file's runner sees only its own work.
if (process.env.DATABASE_URL) {
  const url = process.env.DATABASE_URL;
  beforeAll(async () => {
    // A connection of its own: the app's database (and the configuration it reads once)
    // must not be opened before the file's own hooks have set their environment.
    const { default: postgres } = await import("postgres");
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await sql`update jobs set status = 'failed', locked_until = null, last_error = 'left unfinished by an earlier test file' where status in ('pending', 'running')`;
    } finally {
      await sql.end();
    }
  });
}

afterAll(async () => {
  const { closeDb } = await import("@/lib/db");
  await closeDb();
});
