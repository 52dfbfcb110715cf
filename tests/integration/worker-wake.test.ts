import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as health from "@/app/api/health/route";
import * as emailSend from "@/app/api/v1/email/send/route";
import { boot } from "@/lib/boot";
import { getDb } from "@/lib/db";
import { setJobFunctions } from "@/lib/jobs/functions";
import { runnerStarted } from "@/lib/jobs/runner";
import { orgSendingToSink } from "../campaign-fixtures";
import { stopWorkers, switchToOwnDatabase } from "../crash-harness";
import { call } from "../factories";

const root = path.resolve(import.meta.dirname, "../..");
const workers: ReturnType<typeof spawn>[] = [];

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stopWorkers();
});

// WEB_RUNS_JOBS=0: the web process (here, this test process) only accepts; a
// worker process delivers. The worker polls only every 10 minutes here, so a
// message that arrives within seconds was delivered because the accepting
// process woke it over Postgres NOTIFY.
describe.skipIf(!process.env.DATABASE_URL)(
  "web process without a runner wakes the worker (needs DATABASE_URL; skipped on embedded PGlite)",
  () => {
    if (process.env.DATABASE_URL) {
      switchToOwnDatabase("switchboard_worker_wake");
      process.env.WEB_RUNS_JOBS = "0";
    }

    it("an API send is delivered by a worker process woken at once, not at its next poll", async () => {
      const { key, sink } = await orgSendingToSink();
      const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
        cwd: root,
        env: { ...process.env, JOB_POLL_MS: "600000", LOG_LEVEL: "error" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      workers.push(worker);
      // Ready once its LISTEN is in place.
      const db = await getDb();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const rows = await db.execute<{ n: number }>(sql`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and query ilike 'listen%switchboard_jobs%'`);
        if (Number((rows as unknown as { n: number }[])[0]?.n ?? 0) > 0) break;
        if (Date.now() > deadline || worker.exitCode !== null) throw new Error("the worker did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      // Let its first tick (at start) pass, so only a wake can make it look again.
      await new Promise((r) => setTimeout(r, 500));

      // The web process boots as npm start does: no runner, but the functions its jobs name.
      setJobFunctions(undefined as never);
      await boot();
      expect(runnerStarted()).toBe(false);
      const h = await call(health.GET, {});
      expect(h.json.jobs.runner).toBe("worker");

      const started = Date.now();
      const sent = await call(emailSend.POST, {
        method: "POST",
        key,
        body: { to: "reader@example.com", subject: "Woken", text: "Hello" },
      });
      expect(sent.status).toBe(202);
      while (sink.received.length === 0 && Date.now() - started < 15_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      console.log(`worker wake: delivered ${Date.now() - started} ms after the send was accepted`);
      expect(sink.received.map((r) => r.envelope.to)).toEqual([["reader@example.com"]]);
      await sink.close();
    });
  },
);
