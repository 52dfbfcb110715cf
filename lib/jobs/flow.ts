import { sql } from "drizzle-orm";
import { concurrencyOf, evaluateKey, type FunctionDef, periodMs } from "@/inngest/define";
import type { Executor } from "@/lib/db";
import { jobThrottles } from "@/lib/db/schema";

/** Flow-control columns of a new job: its concurrency key and limit, and (throttled) its start time. */
export interface FlowColumns {
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  runAt?: Date;
}

/**
 * The jobs' concurrency keys (function id and key value, so each function has
 * its own limits, as on Inngest), and for throttled functions start times
 * spaced period/limit apart per key, taken from the shared job_throttles row
 * in one upsert per key, so several instances emitting at once stay within it.
 */
export async function flowColumns(
  db: Executor,
  jobs: { def: Pick<FunctionDef, "id" | "concurrency" | "throttle">; data: unknown }[],
): Promise<FlowColumns[]> {
  const out: FlowColumns[] = jobs.map(({ def, data }) => {
    const c = concurrencyOf(def);
    if (!c || c.limit <= 0) return { concurrencyKey: null, concurrencyLimit: null };
    return {
      concurrencyKey: c.key ? `${def.id}:${evaluateKey(c.key, data)}` : def.id,
      concurrencyLimit: c.limit,
    };
  });
  const throttled = new Map<string, { spacing: number; indexes: number[] }>();
  jobs.forEach(({ def, data }, i) => {
    if (!def.throttle || def.throttle.limit <= 0) return;
    const key = `${def.id}:${def.throttle.key ? evaluateKey(def.throttle.key, data) : ""}`;
    const group = throttled.get(key) ?? {
      spacing: periodMs(def.throttle.period) / def.throttle.limit,
      indexes: [],
    };
    group.indexes.push(i);
    throttled.set(key, group);
  });
  for (const [key, { spacing, indexes }] of throttled) {
    const span = `${Math.round(spacing * indexes.length)} milliseconds`;
    const [row] = await db
      .insert(jobThrottles)
      .values({ key, nextAt: sql`now() + ${span}::interval` })
      .onConflictDoUpdate({
        target: jobThrottles.key,
        set: {
          nextAt: sql`greatest(${jobThrottles.nextAt}, now()) + ${span}::interval`,
          updatedAt: new Date(),
        },
      })
      .returning({ nextAt: jobThrottles.nextAt });
    const first = (row?.nextAt ?? new Date()).getTime() - spacing * indexes.length;
    indexes.forEach((jobIndex, n) => {
      const target = out[jobIndex];
      if (target) target.runAt = new Date(Math.round(first + n * spacing));
    });
  }
  return out;
}
