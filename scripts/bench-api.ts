// `npm run bench:api`: the API benchmark of issue 10 — a script, not a test.
//
// Starts the app the way production runs it (`npm start`: a build when it is
// stale, then scripts/server.mjs) on a throwaway database, makes an organisation,
// an API key and a console SMS provider, then drives an OPEN loop: requests are
// due at a fixed arrival rate whatever the server answers, each one's latency is
// measured from its due time (so queueing in front of a slow server counts), over
// a bounded pool of keep-alive connections on loopback, and every request has a
// timeout. Prints p50/p95/p99, errors and the achieved rate for `POST
// /api/v1/sms/send` and, as the framework's own ceiling, `GET /api/health`, beside
// the targets; writes bench/api-results.json.
//
// BENCH_API_DB: postgres | pglite | both (both); BENCH_API_RATE (300 req/s);
// BENCH_API_SECONDS (60); BENCH_API_CONNECTIONS (64); BENCH_API_TIMEOUT_MS (10000);
// BENCH_API_PORT (3190); BENCH_API_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres);
// BENCH_OUT (bench/api-results.json); BENCH_API_NODE_ARGS (node flags for the app);
// BENCH_API_WORKERS (Postgres: worker processes that deliver, 0; with 1 or more the web process runs
// with WEB_RUNS_JOBS=0, so delivery is not on a request's thread; 0 keeps the embedded
// runner in the web process). Run it with nothing else running: 2 cores.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(import.meta.dirname, "..");
const RATE = Number(process.env.BENCH_API_RATE ?? 300);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 64);
const TIMEOUT_MS = Number(process.env.BENCH_API_TIMEOUT_MS ?? 10_000);
const PORT = Number(process.env.BENCH_API_PORT ?? 3190);
const ADMIN_URL = process.env.BENCH_API_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, "bench", "api-results.json");
const WHICH = process.env.BENCH_API_DB ?? "both";
const TARGET_P99 = { postgres: 100, pglite: 250 } as const;
const WORKERS = Number(process.env.BENCH_API_WORKERS ?? 0);

interface Result {
  label: string;
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  shed: number;
  errors: number;
  timeouts: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

async function openLoop(
  label: string,
  make: (i: number) => { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<Result> {
  const total = Math.round(RATE * SECONDS);
  const interval = 1000 / RATE;
  const latencies: number[] = [];
  let ok = 0;
  let shed = 0;
  let errors = 0;
  let timeouts = 0;
  let lastDone = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const r = make(i);
    inFlight.push(
      request(r.method, `http://127.0.0.1:${PORT}${r.path}`, r.headers, r.body).then(
        (res) => {
          const done = performance.now();
          lastDone = Math.max(lastDone, done);
          latencies.push(done - due);
          if (res.status >= 200 && res.status < 300) ok++;
          else if (res.status === 429 || res.status === 503) shed++;
          else {
            errors++;
            if (errors <= 3) console.error(`  ${label}: ${res.status} ${res.text.slice(0, 200)}`);
          }
        },
        (e: Error) => {
          lastDone = Math.max(lastDone, performance.now());
          if (e.message === "timeout") timeouts++;
          else errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const elapsed = (lastDone - start) / 1000;
  return {
    label,
    rate: RATE,
    seconds: SECONDS,
    sent: total,
    ok,
    shed,
    errors,
    timeouts,
    achieved: Math.round((ok / elapsed) * 10) / 10,
    p50: Math.round(pct(latencies, 50) * 10) / 10,
    p95: Math.round(pct(latencies, 95) * 10) / 10,
    p99: Math.round(pct(latencies, 99) * 10) / 10,
    max: Math.round((latencies.at(-1) ?? Number.NaN) * 10) / 10,
  };
}

function tsx(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), args, { cwd: ROOT, env, encoding: "utf8" });
}

async function waitHealthy(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 600_000; // a first start may build
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try {
      const res = await request("GET", `http://127.0.0.1:${PORT}/api/health`, {});
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  throw new Error("the app did not become healthy");
}

async function benchOne(db: "postgres" | "pglite"): Promise<Result[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sb-bench-api-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(PORT),
    LOG_LEVEL: "error",
    NEXT_TELEMETRY_DISABLED: "1",
    // The benchmark's key may send as fast as the arrival rate asks.
    API_RATE_LIMIT_PER_SECOND: String(Math.max(RATE * 4, 1000)),
  };
  let dbName: string | undefined;
  if (db === "postgres") {
    dbName = `switchboard_bench_api_${Date.now()}`;
    const admin = new URL(ADMIN_URL);
    execFileSync("createdb", [
      "-h",
      admin.hostname,
      "-p",
      admin.port || "5432",
      "-U",
      admin.username,
      dbName,
    ]);
    admin.pathname = `/${dbName}`;
    env.DATABASE_URL = admin.toString();
  } else {
    delete env.DATABASE_URL;
  }
  tsx(["lib/cli/main.ts", "migrate"], env);
  const key = tsx(
    ["lib/cli/main.ts", "apikey:create", "--org", "Bench", "--role", "admin", "--name", "bench"],
    env,
  )
    .trim()
    .split("\n")
    .pop() as string;
  // BENCH_API_NODE_ARGS: extra node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const workers: ChildProcess[] = [];
  if (db === "postgres" && WORKERS > 0) {
    env.WEB_RUNS_JOBS = "0";
    for (let i = 0; i < WORKERS; i++) {
      const w = spawn(process.execPath, ["scripts/launch.mjs", "worker"], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "inherit"],
        detached: true,
      });
      await new Promise<void>((resolve, reject) => {
        w.stdout?.on("data", (c: Buffer) => {
          if (c.toString().includes("running background jobs")) resolve();
        });
        w.on("exit", (code) => reject(new Error(`a worker exited with ${code}`)));
      });
      w.stdout?.resume();
      workers.push(w);
    }
  }
  const app = spawn(path.join(ROOT, "node_modules/.bin/tsx"), [...nodeArgs, "scripts/start.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  try {
    await waitHealthy(app);
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const provider = await request(
      "POST",
      `http://127.0.0.1:${PORT}/api/v1/providers`,
      auth,
      JSON.stringify({
        name: "Console",
        type: "console",
        priority: 1,
        sender: { phone: "+15005550006" },
        config: {},
      }),
    );
    if (provider.status !== 201) throw new Error(`provider: ${provider.status} ${provider.text}`);
    // Warm up both routes (first requests compile nothing in production, but fill caches and pools).
    for (let i = 0; i < 20; i++) {
      await request("GET", `http://127.0.0.1:${PORT}/api/health`, {});
      await request(
        "POST",
        `http://127.0.0.1:${PORT}/api/v1/sms/send`,
        auth,
        JSON.stringify({ to: "+12025550100", message: "warm-up", category: "transactional" }),
      );
    }
    console.log(
      `${db}: ${RATE} req/s for ${SECONDS} s over ${CONNECTIONS} connections, ${workers.length ? `delivery in ${workers.length} worker process(es)` : "delivery in the web process"}…`,
    );
    const health = await openLoop(`${db} GET /api/health`, () => ({
      method: "GET",
      path: "/api/health",
      headers: {},
    }));
    const send = await openLoop(`${db} POST /api/v1/sms/send`, (i) => ({
      method: "POST",
      path: "/api/v1/sms/send",
      headers: auth,
      body: JSON.stringify({
        to: `+1202555${String(1000 + (i % 9000)).padStart(4, "0")}`,
        message: `Your code is ${String(i % 1_000_000).padStart(6, "0")}`,
        category: "transactional",
      }),
    }));
    return [health, send];
  } finally {
    for (const child of [app, ...workers]) if (child.pid) process.kill(-child.pid, "SIGTERM");
    await sleep(2000);
    for (const child of [app, ...workers]) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    if (dbName) {
      const admin = new URL(ADMIN_URL);
      execFileSync("dropdb", [
        "-h",
        admin.hostname,
        "-p",
        admin.port || "5432",
        "-U",
        admin.username,
        "--if-exists",
        dbName,
      ]);
    }
  }
}

async function main() {
  const dbs = WHICH === "both" ? (["postgres", "pglite"] as const) : [WHICH as "postgres" | "pglite"];
  const results: Result[] = [];
  for (const db of dbs) results.push(...(await benchOne(db)));
  agent.destroy();
  console.log("");
  console.log(
    "| run | sent | 2xx | 429/503 | errors | timeouts | achieved req/s | p50 ms | p95 ms | p99 ms | target |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of results) {
    const db = r.label.startsWith("postgres") ? "postgres" : "pglite";
    const target = r.label.includes("health")
      ? "ceiling (framework, one query)"
      : `p99 < ${TARGET_P99[db]} ms, no error — ${r.p99 < TARGET_P99[db] && r.errors + r.timeouts + r.shed === 0 ? "met" : "missed"}`;
    console.log(
      `| ${r.label} | ${r.sent} | ${r.ok} | ${r.shed} | ${r.errors} | ${r.timeouts} | ${r.achieved} | ${r.p50} | ${r.p95} | ${r.p99} | ${target} |`,
    );
  }
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify({ at: new Date().toISOString(), machine: `${os.cpus().length} cores`, rate: RATE, seconds: SECONDS, connections: CONNECTIONS, results }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${path.relative(ROOT, OUT)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
