// `npm run bench:webhooks`: the outgoing-webhook benchmark of issue 12 — a script, not a test.
//
// Delivers BENCH_EVENTS deliveries (100000) to a loopback receiver through BENCH_ENDPOINTS
// endpoints (10) of one organisation — BENCH_EVENTS / BENCH_ENDPOINTS outbox events, each
// fanned out to every endpoint — with the production code path: events written to the
// outbox, fanOut(), then deliverDue() (claimed batches, bounded concurrency, keep-alive,
// signed bodies, results recorded in one statement per batch). Beside it, a plain
// keep-alive HTTP client POSTs the same number of same-sized bodies to the same receiver:
// the ceiling of this machine. The receiver runs in a child process so that it does not
// share the event loop being measured. Prints both rates beside the 1,000/s target.
//
// Database: DATABASE_URL (Postgres) when set, else an embedded PGlite in a temp DATA_DIR.
// Knobs: BENCH_EVENTS, BENCH_ENDPOINTS, BENCH_CONCURRENCY (128), BENCH_BATCH (1000).

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]?.replace(/[_,]/g, "");
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer (got ${process.env[name]})`);
  return n;
}

const DELIVERIES = envInt("BENCH_EVENTS", 100_000);
const ENDPOINTS = envInt("BENCH_ENDPOINTS", 10);
const CONCURRENCY = envInt("BENCH_CONCURRENCY", 128);
const BATCH = envInt("BENCH_BATCH", 1000);
const TARGET = 1000;
const EVENTS = Math.ceil(DELIVERIES / ENDPOINTS);

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

process.env.EGRESS_ALLOW_PRIVATE = "1";
process.env.LOG_LEVEL ??= "warn";
process.env.NEXT_TELEMETRY_DISABLED = "1";
if (!process.env.DATABASE_URL)
  process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "sb-bench-webhooks-"));

// A receiver that counts and answers 204, in its own process.
const RECEIVER = `
const http = require("node:http");
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => { n++; res.writeHead(204); res.end(); });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
process.on("message", () => process.send(n));
process.on("disconnect", () => process.exit(0));
`;

async function startReceiver() {
  const child = spawn(process.execPath, ["-e", RECEIVER], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).port));
    child.once("exit", (code) => reject(new Error(`receiver exited (${code})`)));
  });
  const count = () =>
    new Promise<number>((resolve) => {
      child.once("message", (n) => resolve(Number(n)));
      child.send("count");
    });
  return { url: `http://127.0.0.1:${port}`, count, stop: () => child.kill() };
}

/** The ceiling: keep-alive POSTs of the same body, CONCURRENCY at a time. */
async function plainClient(url: string, body: string, total: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next++;
        await new Promise<void>((resolve, reject) => {
          const req = http.request(`${url}/plain`, {
            method: "POST",
            agent,
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          });
          req.on("response", (res) => {
            res.resume();
            res.on("end", () => resolve());
          });
          req.on("error", reject);
          req.end(body);
        });
      }
    }),
  );
  agent.destroy();
  return total / ((performance.now() - started) / 1000);
}

async function main() {
  const receiver = await startReceiver();
  const { getDb, closeDb } = await import("@/lib/db");
  const { findOrCreateOrganisation } = await import("@/lib/services/orgs/organisations");
  const { systemCtx } = await import("@/lib/services/context");
  const { createEndpoint } = await import("@/lib/services/outgoing-webhooks/endpoints");
  const { writeOutbox } = await import("@/lib/services/outgoing-webhooks/outbox");
  const { fanOut, deliverDue, eventBody } = await import("@/lib/services/outgoing-webhooks/deliver");

  const db = await getDb();
  const org = await db.transaction((tx) => findOrCreateOrganisation(tx, `bench-webhooks-${Date.now()}`));
  const ctx = systemCtx(org.id, "bench");
  for (let i = 0; i < ENDPOINTS; i++)
    await createEndpoint({ ctx, input: { url: `${receiver.url}/e${i}`, event_types: [], enabled: true } });
  say(`${fmt(ENDPOINTS)} endpoints; writing ${fmt(EVENTS)} events (${fmt(EVENTS * ENDPOINTS)} deliveries)`);
  const data = { address: "someone@example.com", channel: "email", category: null, source: "bench" };
  for (let i = 0; i < EVENTS; i += 1000) {
    const n = Math.min(1000, EVENTS - i);
    await writeOutbox(
      db,
      Array.from({ length: n }, () => ({ orgId: org.id, type: "opt_out.created" as const, data })),
    );
  }

  const before = await receiver.count();
  const started = performance.now();
  let delivered = 0;
  let failed = 0;
  let fanOutMs = 0;
  for (;;) {
    const f0 = performance.now();
    const f = await fanOut({ orgId: org.id, limit: BATCH });
    fanOutMs += performance.now() - f0;
    const d = await deliverDue({
      orgId: org.id,
      batch: BATCH,
      concurrency: CONCURRENCY,
      maxBatches: 1_000_000,
    });
    delivered += d.succeeded;
    failed += d.failed;
    if (f.events === 0 && d.attempted === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const received = (await receiver.count()) - before;
  const rate = delivered / seconds;

  const body = eventBody({ type: "opt_out.created", createdAt: new Date(), data });
  const ceiling = await plainClient(receiver.url, body, EVENTS * ENDPOINTS);

  console.log("");
  console.log(
    `deliveries          ${fmt(delivered)} succeeded, ${fmt(failed)} failed, ${fmt(received)} received`,
  );
  console.log(
    `switchboard         ${fmt(rate)} deliveries/s  (${fmt(seconds, 2)} s, of which fan-out ${fmt(fanOutMs / 1000, 2)} s)`,
  );
  console.log(`plain HTTP client   ${fmt(ceiling)} requests/s  (same receiver, same body size)`);
  console.log(`target              ${fmt(TARGET)} deliveries/s  → ${rate >= TARGET ? "met" : "NOT met"}`);
  receiver.stop();
  await closeDb();
  process.exit(rate >= TARGET || DELIVERIES < 10_000 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
