import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as providers from "@/app/api/v1/providers/route";
import * as templates from "@/app/api/v1/templates/route";
import { CAMPAIGN_CONCURRENCY } from "@/lib/services/campaigns/dispatch";
import { makeAudience } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startSmtpSink } from "../smtp-sink";

const root = path.resolve(import.meta.dirname, "../..");
const RECIPIENTS = Number(process.env.CRASH_TEST_RECIPIENTS ?? 1500);
const KILL_AT = [0.2, 0.45, 0.7].map((f) => Math.floor(f * RECIPIENTS));
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  // node itself with tsx's loader: one process, so SIGKILL really kills the worker (the tsx CLI would fork a child).
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, JOB_LEASE_SECONDS: "2", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.push(child);
  return child;
}

// The workers run every due job in their database; a database of its own keeps them
// from taking (and this test's kills from disturbing) other test files' jobs.
const ownDatabase = `switchboard_crash_${process.pid}_${Date.now()}`;
function useOwnDatabase(): void {
  const url = new URL(process.env.DATABASE_URL as string);
  const args = [
    "-h",
    url.hostname,
    "-p",
    url.port || "5432",
    "-U",
    decodeURIComponent(url.username) || "postgres",
  ];
  execFileSync("createdb", [...args, ownDatabase], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
  });
  url.pathname = `/${ownDatabase}`;
  process.env.DATABASE_URL = url.toString();
}

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  if (!process.env.DATABASE_URL?.includes(ownDatabase)) return;
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  const url = new URL(process.env.DATABASE_URL);
  execFileSync(
    "dropdb",
    [
      "-h",
      url.hostname,
      "-p",
      url.port || "5432",
      "-U",
      decodeURIComponent(url.username) || "postgres",
      "--if-exists",
      ownDatabase,
    ],
    {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
    },
  );
});

// The worker shares the database with this test process, which PGlite (one process) cannot do.
describe.skipIf(!process.env.DATABASE_URL)(
  "campaign crash safety (needs DATABASE_URL; skipped on embedded PGlite)",
  () => {
    it(`SIGKILLed ${KILL_AT.length} times mid-fan-out, a ${RECIPIENTS}-recipient campaign still reaches everyone, doubling at most the in-flight sends`, async () => {
      const sink = await startSmtpSink();
      const { orgId } = await makeOrg();
      const key = await makeKey(orgId);
      await call(providers.POST, {
        method: "POST",
        key,
        body: {
          name: "Sink",
          type: "smtp",
          priority: 1,
          sender: { email: "news@acme.test" },
          config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
        },
      });
      const t = await call(templates.POST, {
        method: "POST",
        key,
        body: {
          channel: "email",
          name: "Crash",
          subject: "Hi {{name}}",
          text: "Hello {{name}}",
          category: "marketing",
        },
      });
      const { listId } = await makeAudience(orgId, RECIPIENTS);
      const c = await call(campaignsRoute.POST, {
        method: "POST",
        key,
        body: { name: "Crash", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
      });
      await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });

      let worker = startWorker();
      for (const at of KILL_AT) {
        const deadline = Date.now() + 120_000;
        while (sink.received.length < at && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        worker.kill("SIGKILL");
        await new Promise((r) => worker.once("exit", r));
        worker = startWorker();
      }
      const deadline = Date.now() + 180_000;
      let campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      while (campaign.status !== "completed" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      }
      worker.kill("SIGTERM");

      const perRecipient = new Map<string, number>();
      for (const r of sink.received)
        for (const to of r.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      const doubled = [...perRecipient.values()].filter((n) => n > 1).length;
      console.log(
        `crash test: ${RECIPIENTS} recipients, ${KILL_AT.length} kills, ${sink.received.length} emails received, ${doubled} recipients got a second copy, in_flight_at_crash=${campaign.stats.in_flight_at_crash}`,
      );
      expect(campaign.status).toBe("completed");
      expect(perRecipient.size).toBe(RECIPIENTS);
      expect(Math.max(...perRecipient.values())).toBeLessThanOrEqual(2);
      expect(doubled).toBeLessThanOrEqual(CAMPAIGN_CONCURRENCY * KILL_AT.length);
      expect(doubled).toBeLessThanOrEqual(campaign.stats.in_flight_at_crash);
      expect(campaign.stats.sent).toBe(RECIPIENTS);
      await sink.close();
    }, 400_000);
  },
);
