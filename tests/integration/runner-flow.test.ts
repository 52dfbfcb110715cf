import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { functions } from "@/inngest";
import { type DefinedFunction, defineFunction } from "@/inngest/define";
import type { OutgoingEvent } from "@/inngest/events";
import { getDb } from "@/lib/db";
import { jobs } from "@/lib/db/schema";
import { emit } from "@/lib/jobs/emit";
import { setJobFunctions } from "@/lib/jobs/functions";
import { drainJobs, runDueJobs } from "@/lib/jobs/runner";

const running = new Map<string, number>();
const peak = new Map<string, number>();
let peakTotal = 0;

const concurrent = defineFunction({
  id: "test-flow-concurrency",
  trigger: { event: "test/flow.concurrency", schema: z.object({ group: z.string(), run: z.string() }) },
  retries: 0,
  concurrency: { limit: 2, key: "event.data.group" },
  async handler({ event }) {
    const g = event.data.group;
    running.set(g, (running.get(g) ?? 0) + 1);
    peak.set(g, Math.max(peak.get(g) ?? 0, running.get(g) ?? 0));
    peakTotal = Math.max(
      peakTotal,
      [...running.values()].reduce((a, b) => a + b, 0),
    );
    await new Promise((r) => setTimeout(r, 150));
    running.set(g, (running.get(g) ?? 1) - 1);
  },
});

const throttled = defineFunction({
  id: "test-flow-throttle",
  trigger: { event: "test/flow.throttle", schema: z.object({ account: z.string(), run: z.string() }) },
  retries: 0,
  throttle: { limit: 2, period: "1s", key: "event.data.account" },
  async handler() {},
});

setJobFunctions([...functions, concurrent, throttled] as unknown as DefinedFunction[]);
afterAll(() => setJobFunctions(functions));

/** Test events have no place in the app's typed event list. */
const event = (name: string, id: string, data: Record<string, string>) =>
  ({ name, id, data }) as unknown as OutgoingEvent;

// Opening (and migrating) the database is the slow part on a busy machine: not inside a test's time.
beforeAll(async () => {
  await getDb();
});

/**
 * On the shared Postgres of CI, earlier test files leave due jobs behind (sends
 * whose providers are long gone, retrying with backoff, so they fall due again at
 * any moment). Ordered by run_at they come first and can fill a claim; this test
 * measures flow control of its own jobs, so it moves the others an hour out.
 */
async function parkForeignJobs(): Promise<void> {
  const db = await getDb();
  await db
    .update(jobs)
    .set({ runAt: sql`now() + interval '1 hour'` })
    .where(
      and(
        eq(jobs.status, "pending"),
        notInArray(jobs.functionId, ["test-flow-concurrency", "test-flow-throttle"]),
      ),
    );
}

describe("embedded runner flow control", () => {
  it("the embedded runner honours a function's concurrency and throttle declarations", async () => {
    // Inngest gets the same declarations, in its own option names.
    const opts = (concurrent.inngest as unknown as { opts: Record<string, unknown> }).opts;
    expect(opts.concurrency).toEqual([{ limit: 2, key: "event.data.group" }]);
    expect((throttled.inngest as unknown as { opts: Record<string, unknown> }).opts.throttle).toEqual({
      limit: 2,
      period: "1s",
      key: "event.data.account",
    });

    // Concurrency: six runs of group A and two of group B; at most two of a group at once,
    // even when two runners (instances) claim at the same time.
    const tag = Math.random().toString(36).slice(2);
    await emit([
      ...Array.from({ length: 6 }, (_, i) =>
        event("test/flow.concurrency", `c:${tag}:a${i}`, { group: `A${tag}`, run: `${i}` }),
      ),
      ...Array.from({ length: 2 }, (_, i) =>
        event("test/flow.concurrency", `c:${tag}:b${i}`, { group: `B${tag}`, run: `${i}` }),
      ),
    ]);
    const db = await getDb();
    await parkForeignJobs();
    await Promise.all([runDueJobs(32), runDueJobs(32)]);
    expect(peak.get(`A${tag}`)).toBe(2);
    await drainJobs();
    expect(peak.get(`A${tag}`)).toBe(2);
    expect(peak.get(`B${tag}`)).toBe(2);
    expect(peakTotal).toBeGreaterThanOrEqual(3);
    const done = await db.select().from(jobs).where(eq(jobs.functionId, "test-flow-concurrency"));
    expect(done.filter((j) => j.eventId.startsWith(`c:${tag}:`)).every((j) => j.status === "completed")).toBe(
      true,
    );

    // Throttle: 2 a second for one account means starts 500 ms apart; another account is not held back.
    await emit(
      Array.from({ length: 4 }, (_, i) =>
        event("test/flow.throttle", `t:${tag}:${i}`, { account: `x${tag}`, run: `${i}` }),
      ),
    );
    await emit([event("test/flow.throttle", `t:${tag}:other`, { account: `y${tag}`, run: "0" })]);
    const ids = [...Array.from({ length: 4 }, (_, i) => `t:${tag}:${i}`), `t:${tag}:other`];
    const rows = await db.select().from(jobs).where(inArray(jobs.eventId, ids));
    const at = (id: string) => rows.find((r) => r.eventId === id)?.runAt.getTime() ?? Number.NaN;
    for (let i = 1; i < 4; i++) expect(at(`t:${tag}:${i}`) - at(`t:${tag}:${i - 1}`)).toBe(500);
    expect(Math.abs(at(`t:${tag}:other`) - at(`t:${tag}:0`))).toBeLessThan(1000);
    // Room for the every-minute crons too: when a minute turns here, they are due first and a
    // claim of 8 could be filled by them (seen on the shared Postgres in CI).
    await parkForeignJobs();
    await runDueJobs(32);
    const after = await db.select().from(jobs).where(inArray(jobs.eventId, ids));
    const completed = after.filter((j) => j.status === "completed").map((j) => j.eventId);
    expect(completed).toContain(`t:${tag}:0`);
    expect(completed).toContain(`t:${tag}:other`);
    expect(completed).not.toContain(`t:${tag}:2`);
    expect(completed).not.toContain(`t:${tag}:3`);
    await new Promise((r) => setTimeout(r, 1600));
    await drainJobs();
    const end = await db.select().from(jobs).where(inArray(jobs.eventId, ids));
    expect(end.every((j) => j.status === "completed")).toBe(true);
  });
});
