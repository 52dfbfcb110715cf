import { Cron } from "croner";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DefinedFunction, Steps } from "@/inngest/define";
import { config } from "@/lib/config";
import { getDb, listenDb, notifyDb } from "@/lib/db";
import { type Job, jobs } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { flowColumns } from "./flow";
import { jobFunctions, setJobFunctions } from "./functions";

// The embedded runner: Inngest semantics on a Postgres table, in-process.
// Jobs are claimed with FOR UPDATE SKIP LOCKED and a lease, so several app
// instances (or a restarted one) share the queue and a crashed run is resumed;
// finished steps are memoised in jobs.steps and are not run again.

/**
 * Postgres channel on which a process that stored jobs but runs none itself
 * (WEB_RUNS_JOBS=0) wakes the worker processes, rather than leaving the work to their next poll.
 */
const WAKE_CHANNEL = "switchboard_jobs";
/** Wakes sent within this window go as one NOTIFY. */
const NOTIFY_COALESCE_MS = 5;
/** Advisory lock key that serialises claims (so concurrency limits hold across instances). */
const CLAIM_LOCK = 0x5b_10b5;
const leaseMs = () => config().jobLeaseSeconds * 1000;

/** Jobs this process is running; their leases are extended while they run. */
const held = new Set<string>();
let heartbeat: NodeJS.Timeout | undefined;

function ensureHeartbeat(): void {
  if (heartbeat) return;
  heartbeat = setInterval(
    () => {
      if (held.size === 0) return;
      void getDb()
        .then((db) =>
          db
            .update(jobs)
            .set({ lockedUntil: sql`now() + ${`${leaseMs()} milliseconds`}::interval` })
            .where(and(inArray(jobs.id, [...held]), eq(jobs.status, "running"))),
        )
        .catch((e) =>
          log.warn("job lease heartbeat failed", { error: e instanceof Error ? e.message : String(e) }),
        );
    },
    Math.max(500, leaseMs() / 3),
  );
  heartbeat.unref();
}

/** Thrown by step.sleepUntil to park the job until its wake time. */
class Parked extends Error {}

async function functionsById(): Promise<Map<string, DefinedFunction>> {
  return new Map((await jobFunctions()).map((f) => [f.def.id, f]));
}

/** Exponential backoff with jitter: ~15 s, 30 s, 1 min, … capped at 30 min (provider outages last minutes to hours). */
function backoffMs(attempt: number): number {
  const base = Math.min(15_000 * 2 ** attempt, 30 * 60_000);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * Claims up to `limit` due jobs. A job with a concurrency key is only taken
 * while fewer than its limit of that key run (live leases, across all
 * instances): claims are serialised by an advisory lock so two instances never
 * both take the last slot, and within one claim a key gets no more than its
 * free slots — and, for a limit of 4 or more, no more than half of it, so that
 * the key's other runs (a campaign's other lanes) are left for the next
 * instance that polls.
 */
async function claim(limit: number): Promise<Job[]> {
  const db = await getDb();
  const lease = `${leaseMs()} milliseconds`;
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const result = await tx.execute(sql`
      with candidates as (
        select id, run_at, concurrency_key, concurrency_limit from jobs j
        where ((status = 'pending' and run_at <= now()) or (status = 'running' and locked_until < now()))
          and (j.concurrency_key is null or (
            select count(*) from jobs r
            where r.concurrency_key = j.concurrency_key and r.status = 'running' and r.locked_until >= now()
          ) < j.concurrency_limit)
        order by run_at
        limit ${limit * 4 + 32}
        for update skip locked
      ),
      ranked as (
        select c.id, c.run_at, c.concurrency_limit,
          row_number() over (partition by c.concurrency_key order by c.run_at, c.id) as n,
          (select count(*) from jobs r
            where r.concurrency_key = c.concurrency_key and r.status = 'running' and r.locked_until >= now()) as busy
        from candidates c
      ),
      chosen as (
        select id from ranked
        where concurrency_limit is null
          or (n + busy <= concurrency_limit and (concurrency_limit < 4 or n <= ceil(concurrency_limit / 2.0)))
        order by run_at
        limit ${limit}
      )
      update jobs set status = 'running', locked_until = now() + ${lease}::interval, updated_at = now()
      where id in (select id from chosen)
      returning id`);
    return rowsOf<{ id: string }>(result);
  });
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  return db.select().from(jobs).where(sql`${jobs.id} in ${ids}`);
}

/** db.execute answers { rows } on PGlite and an array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function saveStep(jobId: string, stepId: string, value: unknown): Promise<void> {
  const db = await getDb();
  await db
    .update(jobs)
    .set({ steps: sql`${jobs.steps} || ${JSON.stringify({ [stepId]: value ?? null })}::jsonb` })
    .where(eq(jobs.id, jobId));
}

function stepsFor(job: Job): Steps {
  const memo: Record<string, unknown> = { ...job.steps };
  return {
    async run<R>(id: string, fn: () => Promise<R>): Promise<R> {
      if (id in memo) return memo[id] as R;
      const value = await fn();
      const stored = value === undefined ? null : JSON.parse(JSON.stringify(value));
      await saveStep(job.id, id, stored);
      memo[id] = stored;
      return stored as R;
    },
    async sleepUntil(id: string, until: Date): Promise<void> {
      if (memo[id] === "done") return;
      if (until.getTime() <= Date.now()) {
        await saveStep(job.id, id, "done");
        memo[id] = "done";
        return;
      }
      const db = await getDb();
      await db
        .update(jobs)
        .set({ status: "pending", runAt: until, lockedUntil: null })
        .where(eq(jobs.id, job.id));
      throw new Parked();
    },
  };
}

async function execute(job: Job, fns: Map<string, DefinedFunction>): Promise<void> {
  held.add(job.id);
  ensureHeartbeat();
  try {
    await executeHeld(job, fns);
  } finally {
    held.delete(job.id);
  }
}

async function executeHeld(job: Job, fns: Map<string, DefinedFunction>): Promise<void> {
  const db = await getDb();
  const fn = fns.get(job.functionId);
  if (!fn) {
    await db
      .update(jobs)
      .set({ status: "failed", lastError: `unknown function ${job.functionId}` })
      .where(eq(jobs.id, job.id));
    return;
  }
  try {
    const data = "schema" in fn.def.trigger ? fn.def.trigger.schema.parse(job.event.data) : job.event.data;
    await fn.def.handler({
      event: { name: job.eventName, data, id: job.eventId },
      step: stepsFor(job),
      attempt: job.attempt,
    });
    await db.update(jobs).set({ status: "completed", lockedUntil: null }).where(eq(jobs.id, job.id));
  } catch (e) {
    if (e instanceof Parked) return;
    const error = e instanceof Error ? e : new Error(String(e));
    const attempt = job.attempt + 1;
    if (attempt < job.maxAttempts) {
      await db
        .update(jobs)
        .set({
          status: "pending",
          attempt,
          lastError: error.message,
          lockedUntil: null,
          runAt: new Date(Date.now() + backoffMs(job.attempt)),
        })
        .where(eq(jobs.id, job.id));
      log.warn("job failed; will retry", { function: job.functionId, attempt, error: error.message });
      return;
    }
    await db
      .update(jobs)
      .set({ status: "failed", attempt, lastError: error.message, lockedUntil: null })
      .where(eq(jobs.id, job.id));
    log.error("job failed after its last retry", { function: job.functionId, error: error.message });
    try {
      await fn.def.onFailure?.({ event: { name: job.eventName, data: job.event.data }, error });
    } catch (failure) {
      log.error("onFailure handler failed", { function: job.functionId, error: failure });
    }
  }
}

/** Enqueues a run of each cron function for its latest due minute (unique per minute, so instances agree). */
async function scheduleCrons(fns: Map<string, DefinedFunction>, now = new Date()): Promise<void> {
  const db = await getDb();
  for (const fn of fns.values()) {
    if (!("cron" in fn.def.trigger)) continue;
    const previous = new Cron(fn.def.trigger.cron, { timezone: "UTC" }).previousRuns(1, now)[0];
    if (!previous) continue;
    const eventId = `cron:${previous.toISOString()}`;
    const [flow] = await flowColumns(db, [
      { def: { id: fn.def.id, concurrency: fn.def.concurrency }, data: {} },
    ]);
    await db
      .insert(jobs)
      .values({
        functionId: fn.def.id,
        eventName: "inngest/scheduled.timer",
        eventId,
        event: {
          name: "inngest/scheduled.timer",
          data: { cron: fn.def.trigger.cron },
          id: eventId,
          ts: previous.getTime(),
        },
        maxAttempts: fn.def.retries + 1,
        concurrencyKey: flow?.concurrencyKey ?? null,
        concurrencyLimit: flow?.concurrencyLimit ?? null,
      })
      .onConflictDoNothing();
  }
}

/** Runs every job that is due now, in parallel up to `concurrency`; returns how many ran. */
export async function runDueJobs(concurrency = 8): Promise<number> {
  const fns = await functionsById();
  await scheduleCrons(fns);
  const batch = await claim(concurrency);
  await Promise.all(batch.map((job) => execute(job, fns)));
  return batch.length;
}

/** Runs due jobs until none is left (tests and shutdown). */
export async function drainJobs(maxRounds = 100): Promise<void> {
  for (let i = 0; i < maxRounds; i++) if ((await runDueJobs()) === 0) return;
}

const state = globalThis as typeof globalThis & {
  __switchboardRunner?: {
    timer: NodeJS.Timeout;
    busy: boolean;
    again: boolean;
    unlisten?: Promise<() => Promise<void>>;
  };
};

async function loop(): Promise<void> {
  const s = state.__switchboardRunner;
  if (!s) return;
  if (s.busy) {
    s.again = true;
    return;
  }
  s.busy = true;
  try {
    do {
      s.again = false;
      while ((await runDueJobs()) > 0) {
        /* keep going while there is work */
      }
    } while (s.again);
  } catch (e) {
    log.error("embedded runner tick failed", { error: e });
  } finally {
    s.busy = false;
  }
}

/** Starts the in-process tick (server start in embedded mode) for these functions. */
export function startRunner(functions?: readonly DefinedFunction[]): void {
  if (functions) setJobFunctions(functions);
  if (state.__switchboardRunner) return;
  const timer = setInterval(() => void loop(), config().jobPollMs);
  timer.unref();
  // Other processes' wakes (Postgres LISTEN; nothing on PGlite, where there are none).
  const unlisten = listenDb(WAKE_CHANNEL, () => wakeRunner());
  unlisten.catch((e) => log.warn("the runner could not listen for wakes; it polls", { error: e }));
  state.__switchboardRunner = { timer, busy: false, again: false, unlisten };
  void loop();
}

export function stopRunner(): void {
  const s = state.__switchboardRunner;
  if (s) clearInterval(s.timer);
  void s?.unlisten?.then((off) => off()).catch(() => {});
  state.__switchboardRunner = undefined;
}

/** Stops the tick and waits (up to `timeoutMs`) for the jobs in hand to finish, for a clean shutdown. */
export async function stopRunnerGracefully(timeoutMs = 10_000): Promise<void> {
  const s = state.__switchboardRunner;
  stopRunner();
  const deadline = Date.now() + timeoutMs;
  while (s?.busy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

let notifyTimer: NodeJS.Timeout | undefined;

/**
 * Runs soon after new work arrives, rather than at the next poll: this
 * process's runner, or — when this process runs none (WEB_RUNS_JOBS=0) — the
 * worker processes', told over Postgres NOTIFY (wakes of a few milliseconds go as one).
 */
export function wakeRunner(): void {
  if (state.__switchboardRunner) {
    setImmediate(() => void loop());
    return;
  }
  if (notifyTimer || config().webRunsJobs) return;
  notifyTimer = setTimeout(() => {
    notifyTimer = undefined;
    notifyDb(WAKE_CHANNEL).catch((e) => log.warn("could not wake the worker processes", { error: e }));
  }, NOTIFY_COALESCE_MS);
}

/** Jobs per status, for /api/health. */
export async function jobCounts(): Promise<Record<string, number>> {
  const db = await getDb();
  const rows = await db
    .select({ status: jobs.status, n: sql<number>`count(*)::int` })
    .from(jobs)
    .groupBy(jobs.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export function runnerStarted(): boolean {
  return Boolean(state.__switchboardRunner);
}
