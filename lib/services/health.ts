import { sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { log } from "@/lib/logger";

/** Database reachability and which database and job-runner modes this process runs in. */
export async function healthReport() {
  const cfg = config();
  let reachable = false;
  let error: string | undefined;
  const started = Date.now();
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    reachable = true;
  } catch (e) {
    log.error("health check: database unreachable", { error: e });
    error = "database unreachable";
  }
  let jobs: Record<string, number> = {};
  if (reachable && cfg.jobsMode === "embedded") {
    const { jobCounts, runnerStarted } = await import("@/lib/jobs/runner");
    jobs = { ...(await jobCounts()), runner_started: runnerStarted() ? 1 : 0 };
  }
  return {
    status: reachable ? ("ok" as const) : ("degraded" as const),
    database: {
      mode: cfg.databaseMode,
      reachable,
      latency_ms: Date.now() - started,
      ...(error ? { error } : {}),
    },
    jobs: {
      mode: cfg.jobsMode,
      ...(cfg.jobsMode === "embedded"
        ? {
            // WEB_RUNS_JOBS=0: this process only accepts; `npm run worker` processes run the jobs.
            runner: jobs.runner_started ? "running" : cfg.webRunsJobs ? "stopped" : "worker",
            pending: jobs.pending ?? 0,
            running: jobs.running ?? 0,
            failed: jobs.failed ?? 0,
          }
        : {}),
    },
    time: new Date().toISOString(),
  };
}
