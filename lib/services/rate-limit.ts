import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { rateLimits } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

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

/** Counts one API call for a key; throws rate_limited (429) past API_RATE_LIMIT_PER_SECOND. */
export async function limitApiCall(apiKeyId: string): Promise<void> {
  await consume(await limiter("api", config().apiRateLimitPerSecond, 1), apiKeyId);
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
