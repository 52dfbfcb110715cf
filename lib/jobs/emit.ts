import type { OutgoingEvent } from "@/inngest/events";
import { config } from "@/lib/config";
import { type Executor, getDb } from "@/lib/db";
import { jobs } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { flowColumns } from "./flow";
import { jobFunctions } from "./functions";

/**
 * Sends events to whichever runner this process uses: Inngest when configured,
 * else rows in `jobs` for the embedded runner (one per listening function,
 * unique on function and event id, so a repeated emit is delivered once).
 */
export async function emit(events: OutgoingEvent[], db?: Executor): Promise<void> {
  if (events.length === 0) return;
  if (config().jobsMode === "inngest") {
    const { inngest } = await import("@/inngest/client");
    try {
      await inngest.send(events.map((e) => ({ name: e.name, data: e.data, id: e.id })));
    } catch (e) {
      // The change these events follow is already committed. A message request
      // that did not reach Inngest is asked for again by the every-minute sweep of
      // stranded messages (same event id), so the caller's request still succeeds
      // (answering 500 for a stored message invites a duplicate retry). Anything
      // else has no such sweep and fails the call.
      const recoverable = events.every((ev) => ev.name === "messages/message.requested");
      log.error("sending events to Inngest failed", {
        events: events.length,
        recovered_by_sweep: recoverable,
        error: e instanceof Error ? e.message : String(e),
      });
      if (!recoverable) throw e;
    }
    return;
  }
  await insertJobs(db ?? (await getDb()), events);
  const { wakeRunner } = await import("./runner");
  wakeRunner();
}

/**
 * For a change and the events that follow it in one transaction: in embedded
 * mode the events' job rows are written on `tx`, so the change and its jobs
 * commit together; in Inngest mode nothing is written (an event cannot be
 * taken back). Answers what to do once the transaction has committed: wake
 * the runner, or send the events to Inngest.
 */
export async function emitWithin(tx: Executor, events: OutgoingEvent[]): Promise<() => Promise<void>> {
  if (events.length === 0) return async () => {};
  if (config().jobsMode === "inngest") return () => emit(events);
  await insertJobs(tx, events);
  return async () => {
    const { wakeRunner } = await import("./runner");
    wakeRunner();
  };
}

/** The embedded runner's job rows for these events: one per listening function, unique on function and event id. */
async function insertJobs(executor: Executor, events: OutgoingEvent[]): Promise<void> {
  const functions = await jobFunctions();
  const targets = events.flatMap((e) =>
    functions
      .filter((f) => "event" in f.def.trigger && f.def.trigger.event === e.name)
      .map((f) => ({ e, f })),
  );
  if (targets.length === 0) return;
  const flow = await flowColumns(
    executor,
    targets.map(({ e, f }) => ({ def: f.def, data: e.data })),
  );
  const rows = targets.map(({ e, f }, i) => ({
    functionId: f.def.id,
    eventName: e.name,
    eventId: e.id,
    event: { name: e.name, data: e.data as Record<string, unknown>, id: e.id, ts: Date.now() },
    maxAttempts: f.def.retries + 1,
    ...flow[i],
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await executor
      .insert(jobs)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
}
