import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A small Inngest executor double on 127.0.0.1, written from Inngest's "Open Source SDK
// Spec" (github.com/inngest/inngest, docs/SDK_SPEC.md) and checked against the inngest 4.24
// JS SDK installed here. It plays the Inngest Dev Server's part:
//
// - Sync (spec 4.3): the app, sent a PUT, POSTs its functions to /fn/register; they are
//   recorded with their triggers, step URLs, retries and concurrency.
// - Events: POST /e/:eventKey (spec 4.2.1) with one event or an array; an event id seen
//   before is accepted but triggers nothing (Inngest deduplicates ids for 24 hours).
// - Call requests (spec 4.4): each triggered run is driven by POSTing
//   { event, events, steps, ctx } to the function's step URL and reading the answer:
//   200 completes the run; 206 reports ops (spec 5.1) — StepRun memoises the step's data,
//   StepError retries the step with the next attempt number, StepFailed memoises the error,
//   StepPlanned is run in its own request with stepId=<hash>, Sleep is recorded and then
//   memoised as null (at once, or when the test wakes it); 500 with X-Inngest-No-Retry:
//   false retries the run, 400 with X-Inngest-No-Retry: true fails it. A run that fails
//   for good sends inngest/function.failed, which the SDK's onFailure function listens to.
//
// With a signing key (Inngest Cloud's part) the double signs every call request with
// X-Inngest-Signature (spec 4.1.1: HMAC-SHA256 of the body and the timestamp, keyed with the
// signing key less its signkey-*- prefix; the body is sent in JCS form, RFC 8785), checks the
// SDK's signature on its answers, wants `Authorization: Bearer <hashed signing key>` on the
// sync (spec 4.1.4) and the event key in the event URL. Without one it is a dev server and
// nothing is signed (spec 4.2.2).
//
// Beyond the spec, `checkpointing` sends ctx.fn_id and ctx.qi_id, which the 4.x SDK reads from
// Inngest's executor (the spec's call request has neither); with them the SDK runs steps back to back in one call request, posts each to
// /v1/checkpoint/:runId/async and ends with a RunComplete op (read from the SDK's source).
//
// Not modelled: batching, cancellation, debounce, rate limits, throttle (recorded, not
// enforced), waitForEvent, invoke, use_api payload fetching. Retries happen without backoff;
// event ids are deduplicated for the double's lifetime.

export interface Trigger {
  event?: string;
  expression?: string;
  cron?: string;
}

export interface RegisteredFunction {
  /** Composite id, `<appName>-<function id>` (spec 1.3.3). */
  id: string;
  name?: string;
  triggers: Trigger[];
  /** The call URL: the sync's url with fnId and stepId=step. */
  url: string;
  /** Retries after the first attempt (the SDK sends its `retries` option as `attempts`). */
  retries: number;
  concurrency: { limit: number; key?: string }[];
  throttle?: unknown;
  /** The id Inngest gives the function internally (ctx.fn_id). */
  internalId: string;
  raw: Record<string, unknown>;
}

export interface Sync {
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
}

export interface InngestEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [k: string]: unknown;
}

export interface ReceivedEvent {
  event: InngestEvent;
  /** The same id was received before: no run was started. */
  duplicate: boolean;
  /** Runs started for it. */
  runIds: string[];
  headers: Record<string, string>;
}

export interface Op {
  id: string;
  op: string;
  displayName?: string;
  name?: string;
  data?: unknown;
  error?: { name?: string; message?: string; stack?: string };
  opts?: Record<string, unknown>;
}

export interface CallRecord {
  runId: string;
  fnId: string;
  /** "step", or the hashed id of a planned step. */
  stepId: string;
  attempt: number;
  status: number;
  /** Ops of a 206 answer. */
  ops: Op[];
  /** Body of any other answer. */
  body: unknown;
  headers: Record<string, string>;
  request: Record<string, unknown>;
}

export interface SleepRecord {
  runId: string;
  fnId: string;
  stepId: string;
  displayName?: string;
  /** As reported: an ISO time or a time string. */
  duration: string;
  /** When the sleep ends, if the duration is an ISO time. */
  until: Date | null;
  woken: boolean;
}

export type RunStatus = "queued" | "running" | "sleeping" | "completed" | "failed";

export interface Run {
  id: string;
  fn: RegisteredFunction;
  event: InngestEvent;
  status: RunStatus;
  /** Memoised step state sent as `steps` (spec 5.2): hashed id → { data } | { error }. */
  steps: Record<string, { data: unknown } | { error: unknown }>;
  /** Order in which steps completed (spec 5.4, ctx.stack.stack). */
  stack: string[];
  attempt: number;
  disableImmediateExecution: boolean;
  /** Planned steps still to run in their own call requests. */
  planned: Op[];
  version?: number;
  /** Queue item of the call in flight (ctx.qi_id), with checkpointing. */
  queueItemId?: string;
  /** Ops the SDK checkpointed during call requests. */
  checkpoints: Op[];
  output?: unknown;
  error?: unknown;
  calls: CallRecord[];
  /** Display names of steps whose code ran and returned (StepRun), in order. */
  stepsRun: string[];
  /** Their hashed ids: a step's code runs once per run, so these never repeat. */
  stepIdsRun: string[];
  /** Display names of step attempts that threw (StepError / StepFailed), with their attempt. */
  stepErrors: { step: string; attempt: number; final: boolean }[];
}

export interface DoubleOptions {
  /** Act as Inngest Cloud: sign call requests and require the hashed key on the sync. */
  signingKey?: string;
  /** With signingKey: the only event key accepted at /e/:eventKey. */
  eventKey?: string;
  /** Call requests in flight at once across all runs. */
  maxConcurrentCalls?: number;
  /**
   * Start runs with ctx.disable_immediate_execution, as Inngest does once a run has planned
   * steps in parallel (spec 5.5): the SDK must plan each step, then run it in its own call.
   */
  planSteps?: boolean;
  /**
   * Beyond the spec: send ctx.fn_id and ctx.qi_id (read by SDK 4.x from Inngest's executor), so it runs
   * steps back to back within one call request, checkpointing each to
   * POST /v1/checkpoint/:runId/async, and ends the run with a RunComplete op.
   */
  checkpointing?: boolean;
  /** Leave sleeping runs parked until wake() instead of resuming them at once. */
  holdSleeps?: boolean;
  /** The event API answers 503 (an Inngest outage as the app sees it). */
  eventApiDown?: boolean;
  /** Awaited before every call request (a test may change the world between attempts). */
  beforeCall?: (run: Run, stepId: string) => Promise<void> | void;
}

export interface InngestDouble {
  origin: string;
  syncs: Sync[];
  functions: Map<string, RegisteredFunction>;
  events: ReceivedEvent[];
  runs: Run[];
  calls: CallRecord[];
  sleeps: SleepRecord[];
  /** Protocol breaches seen on the SDK's side (missing headers, malformed bodies). */
  violations: string[];
  /** Where the double simplified (an expression it could not evaluate). */
  notes: string[];
  options: DoubleOptions;
  /** Asks the app to sync, as the dev server does: PUT on its serve URL. */
  sync(serveUrl: string): Promise<{ status: number; body: unknown }>;
  /** Sends an event as if from outside the app. */
  send(event: Omit<InngestEvent, "id" | "ts"> & { id?: string; ts?: number }): string[];
  /** Starts a run of a cron-triggered function now. */
  tick(fnId: string): Run;
  /** Ends the sleeps parked under holdSleeps (all, or those of one run). */
  wake(runId?: string): number;
  /** Resolves once nothing is queued or in flight (sleeping runs under holdSleeps excepted). */
  settled(timeoutMs?: number): Promise<void>;
  runsOf(fnId: string): Run[];
  close(): Promise<void>;
}

function lowerHeaders(h: IncomingMessage["headers"] | Headers): Record<string, string> {
  const out: Record<string, string> = {};
  if (h instanceof Headers) {
    h.forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    return out;
  }
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Reads `event.data.a.b` from an event (CEL subset used by the SDK's own expressions). */
function pathValue(event: InngestEvent, expr: string): unknown {
  const parts = expr.trim().split(".");
  if (parts[0] !== "event") throw new Error(`unsupported expression operand "${expr}"`);
  let v: unknown = event;
  for (const p of parts.slice(1))
    v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function literal(s: string): unknown {
  const t = s.trim();
  if (/^'.*'$|^".*"$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t === "null") return null;
  return undefined;
}

/** A concurrency or throttle key: `event.data.a`, or such paths and string literals joined with `+`. */
export function keyValue(event: InngestEvent, expression: string): string {
  return expression
    .split("+")
    .map((part) => {
      const l = literal(part);
      return String(l === undefined ? pathValue(event, part) : l);
    })
    .join("");
}

/** Evaluates `a == b && c != d` over event paths and literals; anything else throws. */
export function evaluate(expression: string, event: InngestEvent): boolean {
  return expression.split("&&").every((clause) => {
    const m = clause.match(/^(.*?)(==|!=)(.*)$/);
    if (!m) throw new Error(`unsupported expression "${expression}"`);
    const side = (s: string) => {
      const l = literal(s);
      return l === undefined ? pathValue(event, s) : l;
    };
    const eq = side(m[1] ?? "") === side(m[3] ?? "");
    return m[2] === "==" ? eq : !eq;
  });
}

/** JSON in the canonical form of RFC 8785 (sorted keys), which the SDK verifies signatures over. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
}

const withoutPrefix = (key: string) => key.replace(/^signkey-\w+-/, "");

/** Spec 4.1.1: `t=<unix seconds>&s=<hex HMAC-SHA256 of body + t>`. */
export function signBody(body: string, signingKey: string, t = Math.floor(Date.now() / 1000)): string {
  const s = createHmac("sha256", withoutPrefix(signingKey))
    .update(body + String(t))
    .digest("hex");
  return `t=${t}&s=${s}`;
}

/** Spec 4.1.4: the bearer token is the signing key's prefix and the SHA-256 of its hex-decoded rest. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = signingKey.match(/^signkey-\w+-/)?.[0] ?? "";
  return `${prefix}${createHash("sha256")
    .update(Buffer.from(withoutPrefix(signingKey), "hex"))
    .digest("hex")}`;
}

function signatureMatches(header: string | undefined, body: string, signingKey: string): boolean {
  if (!header) return false;
  const p = new URLSearchParams(header);
  const t = Number(p.get("t"));
  const expected = new URLSearchParams(signBody(body, signingKey, t)).get("s") ?? "";
  const given = p.get("s") ?? "";
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function concurrencyOf(raw: unknown): { limit: number; key?: string }[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === "number") return raw > 0 ? [{ limit: raw }] : [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list
    .filter((c): c is { limit: number; key?: string } => typeof c?.limit === "number" && c.limit > 0)
    .map((c) => ({ limit: c.limit, key: c.key }));
}

function sleepUntil(duration: string): Date | null {
  const d = new Date(duration);
  return Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(duration) ? null : d;
}

export async function startInngestDouble(options: DoubleOptions = {}): Promise<InngestDouble> {
  const maxCalls = options.maxConcurrentCalls ?? 4;
  const syncs: Sync[] = [];
  const functions = new Map<string, RegisteredFunction>();
  const events: ReceivedEvent[] = [];
  const seenIds = new Set<string>();
  const runs: Run[] = [];
  const calls: CallRecord[] = [];
  const sleeps: SleepRecord[] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  const queue: Run[] = [];
  const inFlightByKey = new Map<string, number>();
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  let closed = false;

  const idle = () => inFlight === 0 && queue.length === 0;
  const notifyIfIdle = () => {
    if (!idle()) return;
    const w = waiters;
    waiters = [];
    for (const fn of w) fn();
  };

  function concurrencyKeys(run: Run): { key: string; limit: number }[] {
    return run.fn.concurrency.map((c, i) => {
      let k = "";
      if (c.key) {
        try {
          k = keyValue(run.event, c.key);
        } catch (e) {
          // An expression beyond this subset: one group for all runs (a tighter limit, never a looser one).
          notes.push(`${run.fn.id}: concurrency key ${c.key} taken as one group: ${(e as Error).message}`);
          k = c.key;
        }
      }
      return { key: `${run.fn.id}#${i}#${k}`, limit: c.limit };
    });
  }

  function canStart(run: Run): boolean {
    return concurrencyKeys(run).every(({ key, limit }) => (inFlightByKey.get(key) ?? 0) < limit);
  }

  function enqueue(run: Run) {
    run.status = "queued";
    queue.push(run);
    pump();
  }

  function pump() {
    if (closed) return;
    for (let i = 0; i < queue.length && inFlight < maxCalls; ) {
      const run = queue[i] as Run;
      if (!canStart(run)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      const keys = concurrencyKeys(run);
      for (const { key } of keys) inFlightByKey.set(key, (inFlightByKey.get(key) ?? 0) + 1);
      inFlight++;
      run.status = "running";
      void callOnce(run)
        .catch((e) => {
          violations.push(`${run.fn.id} run ${run.id}: ${(e as Error).stack ?? e}`);
          finish(run, "failed", undefined, { name: "DoubleError", message: String(e) });
        })
        .finally(() => {
          for (const { key } of keys) inFlightByKey.set(key, (inFlightByKey.get(key) ?? 1) - 1);
          inFlight--;
          pump();
          notifyIfIdle();
        });
    }
  }

  function startRuns(event: InngestEvent): string[] {
    const ids: string[] = [];
    for (const fn of functions.values()) {
      const matches = fn.triggers.some((t) => {
        if (t.event !== event.name) return false;
        if (!t.expression) return true;
        try {
          return evaluate(t.expression, event);
        } catch (e) {
          violations.push(`${fn.id}: ${(e as Error).message}`);
          return false;
        }
      });
      if (!matches) continue;
      const run = newRun(fn, event);
      ids.push(run.id);
      enqueue(run);
    }
    return ids;
  }

  function newRun(fn: RegisteredFunction, event: InngestEvent): Run {
    const run: Run = {
      id: `run_${randomUUID().replaceAll("-", "")}`,
      fn,
      event,
      status: "queued",
      steps: {},
      stack: [],
      attempt: 0,
      disableImmediateExecution: options.planSteps ?? false,
      planned: [],
      calls: [],
      stepsRun: [],
      stepIdsRun: [],
      stepErrors: [],
      checkpoints: [],
    };
    runs.push(run);
    return run;
  }

  function receive(raw: Record<string, unknown>, headers: Record<string, string>): string {
    const id = typeof raw.id === "string" && raw.id ? raw.id : `evt_${randomUUID()}`;
    const event: InngestEvent = {
      ...raw,
      id,
      name: String(raw.name),
      data: (raw.data as Record<string, unknown>) ?? {},
      ts: typeof raw.ts === "number" ? raw.ts : Date.now(),
    };
    const duplicate = seenIds.has(id);
    seenIds.add(id);
    const record: ReceivedEvent = { event, duplicate, runIds: [], headers };
    events.push(record);
    if (!duplicate) record.runIds = startRuns(event);
    return id;
  }

  function finish(run: Run, status: "completed" | "failed", output: unknown, error?: unknown) {
    run.status = status;
    run.output = output;
    run.error = error;
    if (status === "failed" && run.event.name !== "inngest/function.failed") {
      receive(
        {
          name: "inngest/function.failed",
          data: { function_id: run.fn.id, run_id: run.id, error, event: run.event },
        },
        {},
      );
    }
  }

  function memoise(run: Run, id: string, value: { data: unknown } | { error: unknown }) {
    run.steps[id] = value;
    if (!run.stack.includes(id)) run.stack.push(id);
    run.attempt = 0;
  }

  function retryOrFail(run: Run, error: unknown): boolean {
    if (run.attempt < run.fn.retries) {
      run.attempt++;
      return true;
    }
    finish(run, "failed", undefined, error);
    return false;
  }

  async function callOnce(run: Run): Promise<void> {
    const planned = run.planned[0];
    const stepId = planned ? planned.id : "step";
    await options.beforeCall?.(run, stepId);
    const url = new URL(run.fn.url);
    url.searchParams.set("stepId", stepId);
    if (options.checkpointing) run.queueItemId = `qi_${randomUUID()}`;
    const request = {
      event: run.event,
      events: [run.event],
      steps: structuredClone(run.steps),
      ...(run.version !== undefined ? { version: run.version } : {}),
      ctx: {
        run_id: run.id,
        attempt: run.attempt,
        // Not in the spec's call request, but sent by Inngest and read by the SDK to tell a
        // final attempt (it then reports StepFailed rather than StepError).
        max_attempts: run.fn.retries + 1,
        ...(options.checkpointing ? { fn_id: run.fn.internalId, qi_id: run.queueItemId } : {}),
        disable_immediate_execution: run.disableImmediateExecution,
        use_api: false,
        stack: { stack: [...run.stack], current: run.stack.length },
      },
    };
    const payload = canonicalJson(request);
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inngest-server-kind": options.signingKey ? "cloud" : "dev",
        ...(options.signingKey ? { "x-inngest-signature": signBody(payload, options.signingKey) } : {}),
        ...(run.version !== undefined ? { "x-inngest-req-version": String(run.version) } : {}),
      },
      body: payload,
      signal: AbortSignal.timeout(60_000),
    });
    const headers = lowerHeaders(res.headers);
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      violations.push(`${run.fn.id}: answer is not JSON (${res.status}): ${text.slice(0, 200)}`);
    }
    const record: CallRecord = {
      runId: run.id,
      fnId: run.fn.id,
      stepId,
      attempt: run.attempt,
      status: res.status,
      ops: res.status === 206 && Array.isArray(body) ? (body as Op[]) : [],
      body: res.status === 206 ? null : body,
      headers,
      request,
    };
    calls.push(record);
    run.calls.push(record);
    // Spec 4.1.2: every answer to a call request names the SDK and the execution version.
    if (!headers["x-inngest-sdk"]) violations.push(`${run.fn.id}: answer without X-Inngest-Sdk`);
    if (options.signingKey && !signatureMatches(headers["x-inngest-signature"], text, options.signingKey))
      violations.push(`${run.fn.id}: answer not signed with the signing key`);
    if (!headers["x-inngest-req-version"])
      violations.push(`${run.fn.id}: answer without X-Inngest-Req-Version`);
    else run.version = Number(headers["x-inngest-req-version"]);

    if (res.status === 200) {
      finish(run, "completed", body);
      return;
    }
    if (res.status === 206) {
      if (!Array.isArray(body)) {
        violations.push(`${run.fn.id}: 206 without an op array`);
        finish(run, "failed", undefined, body);
        return;
      }
      handleOps(run, body as Op[], planned);
      return;
    }
    // Spec 4.4.3: 500 + X-Inngest-No-Retry: false is retriable, 400 + true is not.
    const noRetry = headers["x-inngest-no-retry"];
    if (noRetry === undefined)
      violations.push(`${run.fn.id}: error ${res.status} without X-Inngest-No-Retry`);
    if (noRetry === "true") {
      finish(run, "failed", undefined, body);
      return;
    }
    if (retryOrFail(run, body)) enqueue(run);
  }

  function handleOps(run: Run, ops: Op[], planned: Op | undefined) {
    if (planned && !ops.some((o) => o.id === planned.id))
      violations.push(`${run.fn.id}: planned step ${planned.id} answered with other ops`);
    const newlyPlanned: Op[] = [];
    let sleeping = false;
    for (const op of ops) {
      const name = op.displayName ?? op.name ?? op.id;
      switch (op.op) {
        case "StepRun":
        case "Step":
          memoise(run, op.id, { data: op.data ?? null });
          run.stepsRun.push(name);
          run.stepIdsRun.push(op.id);
          if (planned?.id === op.id) run.planned.shift();
          break;
        case "StepError":
          run.stepErrors.push({ step: name, attempt: run.attempt, final: false });
          if (run.attempt < run.fn.retries) {
            run.attempt++;
            // A step run inline (stepId=step) is retried inline; a planned one stays planned.
          } else {
            memoise(run, op.id, { error: op.error });
            if (planned?.id === op.id) run.planned.shift();
          }
          break;
        case "StepFailed":
          run.stepErrors.push({ step: name, attempt: run.attempt, final: true });
          memoise(run, op.id, { error: op.error });
          if (planned?.id === op.id) run.planned.shift();
          break;
        case "StepPlanned":
          newlyPlanned.push(op);
          break;
        case "Sleep": {
          // Spec 5.3.2 puts the time in opts.duration; the JS SDK sends it as `name`.
          const duration = String(op.opts?.duration ?? op.name ?? "");
          const record: SleepRecord = {
            runId: run.id,
            fnId: run.fn.id,
            stepId: op.id,
            displayName: op.displayName,
            duration,
            until: sleepUntil(duration),
            woken: false,
          };
          sleeps.push(record);
          if (options.holdSleeps) sleeping = true;
          else {
            record.woken = true;
            memoise(run, op.id, { data: null });
          }
          break;
        }
        case "RunComplete":
          finish(run, "completed", op.data ?? null);
          return;
        case "StepNotFound":
          violations.push(`${run.fn.id}: step ${op.id} not found`);
          if (planned?.id === op.id) run.planned.shift();
          break;
        default:
          violations.push(`${run.fn.id}: unsupported op ${op.op}`);
          finish(run, "failed", undefined, { name: "Unsupported", message: `op ${op.op}` });
          return;
      }
    }
    if (newlyPlanned.length) {
      // Spec 5.5: once more than one step was reported, every later step is planned first.
      if (newlyPlanned.length > 1 || ops.length > 1) run.disableImmediateExecution = true;
      run.planned.push(...newlyPlanned);
    }
    if (sleeping) {
      run.status = "sleeping";
      return;
    }
    enqueue(run);
  }

  function wake(runId?: string): number {
    let n = 0;
    for (const s of sleeps) {
      if (s.woken || (runId && s.runId !== runId)) continue;
      const run = runs.find((r) => r.id === s.runId);
      if (!run) continue;
      s.woken = true;
      memoise(run, s.stepId, { data: null });
      n++;
      if (run.status === "sleeping" && !sleeps.some((o) => o.runId === run.id && !o.woken)) enqueue(run);
    }
    return n;
  }

  /** Steps the SDK ran within a call request and reports before answering it. */
  function checkpoint(runId: string, body: unknown, headers: Record<string, string>, res: ServerResponse) {
    const run = runs.find((r) => r.id === runId);
    const b = (body ?? {}) as { fn_id?: string; qi_id?: string; steps?: Op[] };
    if (run?.status !== "running") return json(res, 404, { error: "no such run in flight" });
    if (options.signingKey && headers.authorization !== `Bearer ${hashedSigningKey(options.signingKey)}`)
      return json(res, 401, { error: "unauthorized" });
    if (b.fn_id !== run.fn.internalId || b.qi_id !== run.queueItemId) {
      violations.push(`${run.fn.id}: checkpoint for fn ${b.fn_id} / queue item ${b.qi_id}`);
      return json(res, 409, { error: "stale dispatch" });
    }
    for (const op of b.steps ?? []) {
      run.checkpoints.push(op);
      if (op.op === "StepRun" || op.op === "Step") {
        memoise(run, op.id, { data: op.data ?? null });
        run.stepsRun.push(op.displayName ?? op.name ?? op.id);
        run.stepIdsRun.push(op.id);
      } else if (op.op === "RunComplete") finish(run, "completed", op.data ?? null);
      else notes.push(`${run.fn.id}: checkpointed op ${op.op} not applied`);
    }
    return json(res, 200, {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers = lowerHeaders(req.headers);
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return json(res, 400, { error: "body is not JSON" });
    }
    const cp = url.pathname.match(/^\/v1\/checkpoint\/([^/]+)\/async$/);
    if (req.method === "POST" && cp) return checkpoint(decodeURIComponent(cp[1] ?? ""), body, headers, res);
    // Spec 4.1.4: requests from an SDK carry X-Inngest-Sdk.
    if (!headers["x-inngest-sdk"]) {
      violations.push(`${req.method} ${url.pathname} without X-Inngest-Sdk`);
      return json(res, 400, { error: "missing X-Inngest-Sdk" });
    }
    if (req.method === "POST" && url.pathname === "/fn/register") {
      if (options.signingKey && headers.authorization !== `Bearer ${hashedSigningKey(options.signingKey)}`) {
        violations.push("sync without the hashed signing key");
        return json(res, 401, { error: "unauthorized" });
      }
      const b = (body ?? {}) as Record<string, unknown>;
      const problems: string[] = [];
      if (typeof b.url !== "string") problems.push("url");
      if (b.deployType !== "ping") problems.push("deployType");
      if (typeof b.appName !== "string" || !b.appName) problems.push("appName");
      if (b.sdk !== headers["x-inngest-sdk"]?.replace(/^inngest-/, "") && b.sdk !== headers["x-inngest-sdk"])
        problems.push("sdk");
      if (b.v !== "0.1") problems.push("v");
      if (!Array.isArray(b.functions)) problems.push("functions");
      if (typeof b.url === "string" && new URL(b.url).searchParams.has("deployId"))
        problems.push("url.deployId");
      if (problems.length) {
        violations.push(`sync: bad ${problems.join(", ")}`);
        return json(res, 400, { error: `invalid sync: ${problems.join(", ")}` });
      }
      syncs.push({ headers, query: Object.fromEntries(url.searchParams), body: b });
      const before = JSON.stringify([...functions.keys()].sort());
      functions.clear();
      for (const f of b.functions as Record<string, unknown>[]) {
        const step = (
          f.steps as Record<string, { runtime: { url: string }; retries?: { attempts?: number } }>
        )?.step;
        if (!step?.runtime?.url) {
          violations.push(`sync: ${String(f.id)} has no steps.step.runtime.url`);
          continue;
        }
        const stepUrl = new URL(step.runtime.url);
        if (stepUrl.searchParams.get("fnId") !== f.id || stepUrl.searchParams.get("stepId") !== "step")
          violations.push(`sync: ${String(f.id)} step url lacks fnId/stepId: ${step.runtime.url}`);
        functions.set(String(f.id), {
          id: String(f.id),
          name: f.name as string | undefined,
          triggers: (f.triggers as Trigger[]) ?? [],
          url: step.runtime.url,
          // Inngest's default when absent: 3 retries (4 attempts).
          retries: step.retries?.attempts ?? 3,
          concurrency: concurrencyOf(f.concurrency),
          throttle: f.throttle,
          internalId: randomUUID(),
          raw: f,
        });
      }
      const modified = before !== JSON.stringify([...functions.keys()].sort());
      return json(res, 200, { ok: true, modified });
    }
    const e = url.pathname.match(/^\/e\/([^/]+)$/);
    if (req.method === "POST" && e) {
      if (options.eventApiDown) return json(res, 503, { error: "unavailable", status: 503 });
      if (options.signingKey && options.eventKey && e[1] !== options.eventKey) {
        violations.push(`events sent with event key ${e[1]}`);
        return json(res, 401, { error: "Event key not found", status: 401 });
      }
      const list = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
      if (list.some((ev) => !ev || typeof ev.name !== "string" || !ev.name))
        return json(res, 400, { error: "every event needs a name", status: 400 });
      const ids = list.map((ev) => receive(ev, headers));
      return json(res, 200, { ids, status: 200 });
    }
    return json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const double: InngestDouble = {
    origin: `http://127.0.0.1:${port}`,
    syncs,
    functions,
    events,
    runs,
    calls,
    sleeps,
    violations,
    notes,
    options,
    async sync(serveUrl) {
      const res = await fetch(serveUrl, { method: "PUT", headers: { "x-inngest-server-kind": "dev" } });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    send(event) {
      return [receive(event as Record<string, unknown>, {})];
    },
    tick(fnId) {
      const fn = functions.get(fnId);
      if (!fn?.triggers.some((t) => t.cron)) throw new Error(`${fnId} is not a registered cron function`);
      const run = newRun(fn, {
        id: `evt_${randomUUID()}`,
        name: "inngest/scheduled.timer",
        data: { cron: fn.triggers.find((t) => t.cron)?.cron },
        ts: Date.now(),
      });
      enqueue(run);
      return run;
    },
    wake,
    settled(timeoutMs = 30_000) {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          reject(
            new Error(
              `Inngest double not idle after ${timeoutMs} ms (${inFlight} in flight, ${queue.length} queued)`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      });
    },
    runsOf(fnId) {
      return runs.filter((r) => r.fn.id === fnId);
    },
    async close() {
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return double;
}

/** A route handler as Next.js calls it; typed loosely so NextRequest-typed handlers fit. */
type Handler = (...args: never[]) => Response | Promise<Response>;
type CallableHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * The app's side on real HTTP: a loopback server that hands each request under a path to
 * that route module's GET/POST/PUT as a web Request, as Next.js would.
 */
export async function serveRoutes(
  routes: Record<string, Partial<Record<"GET" | "POST" | "PUT", Handler>>>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      const handler = routes[url.pathname]?.[req.method as "GET" | "POST" | "PUT"];
      if (!handler) return json(res, 404, { error: "not found" });
      const body = req.method === "GET" ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(url, { method: req.method, headers, body: body || undefined });
      const response = await (handler as unknown as CallableHandler)(request, {
        params: Promise.resolve({}),
      });
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((err) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
