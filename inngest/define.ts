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

export interface FunctionDef<T = Record<string, unknown>> {
  id: string;
  trigger: Trigger<T>;
  /** Retries after the first failure, with exponential backoff. */
  retries: number;
  /** At most this many runs at once per instance of the embedded runner; Inngest gets it as concurrency.limit. */
  concurrency?: number;
  handler(args: HandlerArgs<T>): Promise<unknown>;
  /** Called once when every retry has failed. */
  onFailure?(args: { event: { name: string; data: T }; error: Error }): Promise<void>;
}

export interface DefinedFunction<T = Record<string, unknown>> {
  def: FunctionDef<T>;
  inngest: ReturnType<typeof inngest.createFunction>;
}

/**
 * One definition, two runners: the Inngest function served at /api/inngest, and
 * the same handler for the embedded runner (lib/jobs/runner.ts).
 */
export function defineFunction<T extends Record<string, unknown>>(def: FunctionDef<T>): DefinedFunction<T> {
  const trigger = "cron" in def.trigger ? { cron: def.trigger.cron } : { event: def.trigger.event };
  const fn = inngest.createFunction(
    {
      id: def.id,
      retries: def.retries as 0,
      triggers: [trigger],
      ...(def.concurrency ? { concurrency: { limit: def.concurrency } } : {}),
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
