import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";

/** Worker processes that crash tests start and SIGKILL, sharing the test's Postgres database. */
const root = path.resolve(import.meta.dirname, "..");
const workers: ChildProcess[] = [];

export function startWorker(): ChildProcess {
  // node itself with tsx's loader: one process, so SIGKILL really kills the worker (the tsx CLI would fork a child).
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, JOB_LEASE_SECONDS: "2", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.push(child);
  return child;
}

/** SIGKILLs the worker and waits until it is gone. */
export async function killWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const gone = new Promise((r) => worker.once("exit", r));
  worker.kill("SIGKILL");
  await gone;
}

function pgArgs(url: URL): string[] {
  return ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username) || "postgres"];
}

let ownDatabase: string | null = null;

/**
 * Points this process (and the workers it starts) at a new database of its own,
 * so the workers never take other test files' jobs. Call before the database is first used.
 */
export function switchToOwnDatabase(prefix: string): void {
  ownDatabase = `${prefix}_${process.pid}_${Date.now()}`;
  const url = new URL(process.env.DATABASE_URL as string);
  execFileSync("createdb", [...pgArgs(url), ownDatabase], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
  });
  url.pathname = `/${ownDatabase}`;
  process.env.DATABASE_URL = url.toString();
}

/** For afterAll: kills every worker left, closes the database and drops the own database if one was made. */
export async function stopWorkers(): Promise<void> {
  for (const w of workers) w.kill("SIGKILL");
  if (!ownDatabase || !process.env.DATABASE_URL?.includes(ownDatabase)) return;
  const { closeDb } = await import("@/lib/db");
  await closeDb();
  const url = new URL(process.env.DATABASE_URL);
  execFileSync("dropdb", [...pgArgs(url), "--if-exists", ownDatabase], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
  });
}
