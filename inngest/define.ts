import type { z } from "zod";
import { inngest } from "./client";

/** The step tools our functions use; Inngest's step and the embedded runner's both provide them. */
export interface Steps {
  run<R>(id: string, fn: () => Promise<R>): Promise<R>;
  sleepUntil(id: string, until: Date): Promise<void>;
}

export interface HandlerArgs<T> {
  event: { name: string; data: T; id?: string };
  step: Steps;
  /** 0 on the first try, then 1, 2, … on retries. */
  attempt: number;
}

export type Trigger<T> = { event: string; schema: z.ZodType<T> } | { cron: string };

/**
 * A key expression as Inngest writes it, over the triggering event's data:
 * `event.data.campaignId` (dotted paths only, so the embedded runner evaluates
 * it exactly as Inngest does).
 */
export type KeyExpression = `event.data.${string}`;

/** At most `limit` runs at once per key value, across all instances (Inngest's `concurrency`). */
export interface ConcurrencyOption {
  limit: number;
  key?: KeyExpression;
}

/** At most `limit` run starts per `period` (e.g. "1m", "30s") per key value, smoothed (Inngest's `throttle`). */
export interface ThrottleOption {
  limit: number;
  period: `${number}${"s" | "m" | "h" | "d"}`;
  key?: KeyExpression;
}

export interface FunctionDef<T = Record<string, unknown>> {
  id: string;
  trigger: Trigger<T>;
  /** Retries after the first failure, with exponential backoff. */
  retries: number;
  /** A number is shorthand for `{ limit }`; the embedded runner honours it across instances, like Inngest. */
  concurrency?: number | ConcurrencyOption;
  throttle?: ThrottleOption;
  handler(args: HandlerArgs<T>): Promise<unknown>;
  /** Called once when every retry has failed. */
  onFailure?(args: { event: { name: string; data: T }; error: Error }): Promise<void>;
}

export interface DefinedFunction<T = Record<string, unknown>> {
  def: FunctionDef<T>;
  inngest: ReturnType<typeof inngest.createFunction>;
}

/** The function's concurrency option in its long form, or undefined. */
export function concurrencyOf(def: Pick<FunctionDef, "concurrency">): ConcurrencyOption | undefined {
  if (def.concurrency === undefined) return undefined;
  return typeof def.concurrency === "number" ? { limit: def.concurrency } : def.concurrency;
}

/** Evaluates a key expression against an event's data, as Inngest does (a missing value is the empty key). */
export function evaluateKey(key: KeyExpression, data: unknown): string {
  let value: unknown = data;
  for (const part of key.slice("event.data.".length).split(".")) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A throttle period in milliseconds. */
export function periodMs(period: ThrottleOption["period"]): number {
  const match = /^(\d+)([smhd])$/.exec(period);
  if (!match) throw new Error(`Invalid throttle period ${period}`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}

/**
 * One definition, two runners: the Inngest function served at /api/inngest, and
 * the same handler for the embedded runner (lib/jobs/runner.ts).
 */
export function defineFunction<T extends Record<string, unknown>>(def: FunctionDef<T>): DefinedFunction<T> {
  for (const key of [concurrencyOf(def)?.key, def.throttle?.key]) {
    if (key && !/^event\.data\.[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key))
      throw new Error(`${def.id}: key ${key} must be a dotted path under event.data`);
  }
  if (def.throttle) periodMs(def.throttle.period);
  const trigger = "cron" in def.trigger ? { cron: def.trigger.cron } : { event: def.trigger.event };
  const fn = inngest.createFunction(
    {
      id: def.id,
      retries: def.retries as 0,
      triggers: [trigger],
      ...(concurrencyOf(def) ? { concurrency: [concurrencyOf(def) as ConcurrencyOption] } : {}),
      ...(def.throttle ? { throttle: def.throttle } : {}),
      ...(def.onFailure
        ? {
            onFailure: async ({
              event,
              error,
            }: {
              event: { data: { event: { name: string; data: unknown } } };
              error: Error;
            }) => {
              await def.onFailure?.({ event: event.data.event as { name: string; data: T }, error });
            },
          }
        : {}),
    },
    async ({ event, step, attempt }) => {
      const data = "schema" in def.trigger ? def.trigger.schema.parse(event.data) : (event.data as T);
      return def.handler({
        event: { name: event.name, data, id: event.id },
        step: step as unknown as Steps,
        attempt,
      });
    },
  );
  return { def, inngest: fn };
}
