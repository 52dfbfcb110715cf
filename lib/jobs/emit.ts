import type { OutgoingEvent } from "@/inngest/events";
import { config } from "@/lib/config";
import { type Executor, getDb } from "@/lib/db";
import { jobs } from "@/lib/db/schema";

/**
 * Sends events to whichever runner this process uses: Inngest when configured,
 * else rows in `jobs` for the embedded runner (one per listening function,
 * unique on function and event id, so a repeated emit is delivered once).
 */
export async function emit(events: OutgoingEvent[], db?: Executor): Promise<void> {
  if (events.length === 0) return;
  if (config().jobsMode === "inngest") {
    const { inngest } = await import("@/inngest/client");
    await inngest.send(events.map((e) => ({ name: e.name, data: e.data, id: e.id })));
    return;
  }
  const { functions } = await import("@/inngest");
  const rows = events.flatMap((e) =>
    functions
      .filter((f) => "event" in f.def.trigger && f.def.trigger.event === e.name)
      .map((f) => ({
        functionId: f.def.id,
        eventName: e.name,
        eventId: e.id,
        event: { name: e.name, data: e.data as Record<string, unknown>, id: e.id, ts: Date.now() },
        maxAttempts: f.def.retries + 1,
      })),
  );
  if (rows.length === 0) return;
  const executor = db ?? (await getDb());
  for (let i = 0; i < rows.length; i += 500) {
    await executor
      .insert(jobs)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
  const { wakeRunner } = await import("./runner");
  wakeRunner();
}
