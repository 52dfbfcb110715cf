import { and, like, lt, sql } from "drizzle-orm";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { rateLimits } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";

// Counters live in the database (table rate_limits) so every app instance agrees.
type Limiter = InstanceType<typeof RateLimiterDrizzle>;
const limiters = new Map<string, { db: unknown; limiter: Limiter }>();

async function limiter(name: string, points: number, durationSeconds: number): Promise<Limiter> {
  const id = `${name}:${points}:${durationSeconds}`;
  const db = await getDb();
  const cached = limiters.get(id);
  // A reopened database (tests, reconnects) gets fresh limiters bound to it.
  if (cached && cached.db === db) return cached.limiter;
  const l = new RateLimiterDrizzle({
    storeClient: db,
    schema: rateLimits,
    keyPrefix: name,
    points,
    duration: durationSeconds,
  });
  limiters.set(id, { db, limiter: l });
  return l;
}

async function consume(l: Limiter, key: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      throw AppError.rateLimited(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
    }
    throw e;
  }
}

// API calls: a fixed one-second window per key, counted in this process and settled
// with the shared counter (rate_limits, one row per key and second) every SETTLE_MS
// in ONE multi-row upsert for every key touched. A busy key's requests never queue
// on its row, and every instance still sees the others' counts within SETTLE_MS
// (so all instances together overshoot by at most what they admit in that time).
const SETTLE_MS = 50;
interface ApiWindow {
  second: number;
  /** What the previous second counted (as last seen here): a burst across a second boundary still counts. */
  previous: number;
  /** The shared count as of the last settle (this process's settled calls included). */
  shared: number;
  /** Admitted here since the last settle. */
  unsettled: number;
  /** Admitted here and on their way to the shared counter (a settle in progress). */
  settling: number;
}
const apiWindows = new Map<string, ApiWindow>();
let settleTimer: NodeJS.Timeout | undefined;
let settling: Promise<void> | undefined;
let lastPrune = 0;

function windowOf(key: string, second: number): ApiWindow {
  const w = apiWindows.get(key);
  if (w && w.second === second) return w;
  const previous = w && w.second === second - 1 ? w.shared + w.settling + w.unsettled : 0;
  if (w && w.unsettled > 0) {
    // The old second's uncounted calls still go to the shared counter.
    pendingOld.push({
      key: `api:${key}:${w.second}`,
      points: w.unsettled,
      expire: new Date((w.second + 2) * 1000),
    });
    scheduleSettle();
  }
  const fresh = { second, previous, shared: 0, unsettled: 0, settling: 0 };
  apiWindows.set(key, fresh);
  return fresh;
}
const pendingOld: { key: string; points: number; expire: Date }[] = [];

async function settleApiCounts(): Promise<void> {
  settleTimer = undefined;
  const pending = [...apiWindows.entries()].filter(([, w]) => w.unsettled > 0);
  const rows = pendingOld.splice(0, pendingOld.length);
  // Counted as `settling` until the shared total comes back, so a slow settle admits nothing extra.
  const taken = new Map<string, number>();
  for (const [key, w] of pending) {
    rows.push({
      key: `api:${key}:${w.second}`,
      points: w.unsettled,
      expire: new Date((w.second + 2) * 1000),
    });
    taken.set(key, w.unsettled);
    w.settling += w.unsettled;
    w.unsettled = 0;
  }
  if (rows.length === 0) return;
  const db = await getDb();
  const settled = await db
    .insert(rateLimits)
    .values(rows)
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: { points: sql`${rateLimits.points} + excluded.points` },
    })
    .returning({ key: rateLimits.key, points: rateLimits.points });
  for (const r of settled) {
    const at = r.key.lastIndexOf(":");
    const key = r.key.slice(4, at);
    const w = apiWindows.get(key);
    if (w && w.second === Number(r.key.slice(at + 1))) {
      w.settling = Math.max(0, w.settling - (taken.get(key) ?? 0));
      w.shared = r.points;
    }
  }
  const now = Date.now();
  if (now - lastPrune > 60_000) {
    lastPrune = now;
    await db
      .delete(rateLimits)
      .where(and(like(rateLimits.key, "api:%"), lt(rateLimits.expire, new Date(now - 60_000))));
    for (const [key, w] of apiWindows) if (w.second < Math.floor(now / 1000) - 1) apiWindows.delete(key);
  }
}

function scheduleSettle(): void {
  if (settleTimer) return;
  settleTimer = setTimeout(() => {
    settling = (settling ?? Promise.resolve())
      .then(settleApiCounts)
      .catch((e) =>
        log.warn("rate-limit settle failed", { error: e instanceof Error ? e.message : String(e) }),
      );
  }, SETTLE_MS);
  settleTimer.unref?.();
}

/** Counts one API call for a key; throws rate_limited (429) past API_RATE_LIMIT_PER_SECOND. */
export async function limitApiCall(apiKeyId: string, now = Date.now()): Promise<void> {
  const second = Math.floor(now / 1000);
  const w = windowOf(apiKeyId, second);
  // A sliding window over two fixed ones: the previous second's count weighs as much as
  // that second still overlaps the last 1,000 ms, so a burst split by a boundary is limited too.
  const overlap = 1 - (now - second * 1000) / 1000;
  if (
    w.shared + w.settling + w.unsettled + Math.floor(w.previous * overlap) >=
    config().apiRateLimitPerSecond
  ) {
    throw AppError.rateLimited(Math.max(1, Math.ceil(((second + 1) * 1000 - now) / 1000)));
  }
  w.unsettled++;
  scheduleSettle();
}

/** Writes this process's uncounted API calls to the shared counter now (tests, shutdown). */
export async function flushApiCounts(): Promise<void> {
  if (settleTimer) clearTimeout(settleTimer);
  await settling;
  await settleApiCounts();
}

export const LOGIN_LIMITS = {
  perEmailAndIp: { points: 10, duration: 15 * 60 },
  perIp: { points: 100, duration: 15 * 60 },
} as const;

/** Counts one sign-in attempt for (ip, email) and for the ip alone; throws rate_limited past either limit. */
export async function limitLoginAttempt(ip: string | null, email: string): Promise<void> {
  const who = ip ?? "unknown";
  const pair = await limiter(
    "login_pair",
    LOGIN_LIMITS.perEmailAndIp.points,
    LOGIN_LIMITS.perEmailAndIp.duration,
  );
  const perIp = await limiter("login_ip", LOGIN_LIMITS.perIp.points, LOGIN_LIMITS.perIp.duration);
  await consume(perIp, who);
  await consume(pair, `${who}|${email.trim().toLowerCase()}`);
}

/** After a successful sign-in, that (ip, email) pair starts afresh. */
export async function resetLoginAttempts(ip: string | null, email: string): Promise<void> {
  const pair = await limiter(
    "login_pair",
    LOGIN_LIMITS.perEmailAndIp.points,
    LOGIN_LIMITS.perEmailAndIp.duration,
  );
  await pair.delete(`${ip ?? "unknown"}|${email.trim().toLowerCase()}`);
}
