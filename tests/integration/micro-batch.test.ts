import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import { getDb } from "@/lib/db";
import { jobs, messageAttempts, messageEvents, messages } from "@/lib/db/schema";
import { drainJobs, runDueJobs } from "@/lib/jobs/runner";
import { MICRO_BATCH } from "@/lib/services/messages/deliver";
import { call, makeKey, makeOrg } from "../factories";

// Single API sends are micro-batched: one messages-send run delivers its own
// message and the organisation's other due single sends in one group (one
// claim, one consent query, one write transaction); their own runs then find
// them done. Tested on the sandbox email provider (no configuration).

/** Sends n emails through the API, with a fresh key for every 20 (the tests' rate limit is 25 a second per key). */
async function sendEmails(orgId: string, n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let key = "";
  for (let i = 0; i < n; i++) {
    if (i % 20 === 0) key = await makeKey(orgId, "staff");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: `mb${i}@example.com`, subject: "Batch", text: "t", ...extra },
    });
    expect(res.status).toBe(202);
    ids.push(res.json.id);
  }
  return ids;
}

const jobsOf = async (ids: string[]) => {
  const db = await getDb();
  return db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.functionId, "messages-send"),
        inArray(
          jobs.eventId,
          ids.map((id) => `message:${id}`),
        ),
      ),
    );
};

describe("micro-batching of single sends", () => {
  it("one run delivers the organisation's due sends as one group; the other runs find them sent; nothing twice", async () => {
    const db = await getDb();
    const { orgId } = await makeOrg();
    const ids = await sendEmails(orgId, 30);
    // Not taken along: another organisation's send, a send that already had an attempt
    // (it waits for its own retry's backoff), and one scheduled for later.
    const other = await makeOrg();
    const [foreign] = await sendEmails(other.orgId, 1);
    const [retried] = await sendEmails(orgId, 1);
    await db
      .update(messages)
      .set({ attemptCount: 1 })
      .where(eq(messages.id, retried as string));
    const [later] = await sendEmails(orgId, 1, { send_at: new Date(Date.now() + 3_600_000).toISOString() });

    // Only the first send's run goes now; the others are moved out of reach.
    const firstJob = `message:${ids[0]}`;
    await db
      .update(jobs)
      .set({ runAt: sql`now() + interval '1 hour'` })
      .where(and(eq(jobs.functionId, "messages-send"), sql`${jobs.eventId} <> ${firstJob}`));
    expect(await runDueJobs(1)).toBe(1);

    const rows = await db
      .select({ id: messages.id, status: messages.status, attempts: messages.attemptCount })
      .from(messages)
      .where(inArray(messages.id, [...ids, foreign, retried, later] as string[]));
    const status = new Map(rows.map((r) => [r.id, r.status]));
    expect(ids.map((id) => status.get(id))).toEqual(ids.map(() => "sent"));
    expect(status.get(foreign as string)).toBe("queued");
    expect(status.get(retried as string)).toBe("queued");
    expect(status.get(later as string)).toBe("scheduled");

    // The other runs now go: they find their messages sent and send nothing.
    await db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(
        inArray(
          jobs.eventId,
          ids.map((id) => `message:${id}`),
        ),
      );
    await drainJobs();
    const done = await jobsOf(ids);
    expect(done).toHaveLength(30);
    expect(done.every((j) => j.status === "completed")).toBe(true);
    const outputs = done.map((j) => (j.steps as { deliver?: { status: string } }).deliver?.status);
    expect(outputs.filter((s) => s === "sent")).toHaveLength(1);
    expect(outputs.filter((s) => s === "skipped")).toHaveLength(29);

    // One attempt and one sending/sent pair per message: none twice.
    const attempts = await db.select().from(messageAttempts).where(inArray(messageAttempts.messageId, ids));
    expect(attempts).toHaveLength(30);
    const events = await db
      .select({ messageId: messageEvents.messageId, type: messageEvents.type })
      .from(messageEvents)
      .where(inArray(messageEvents.messageId, ids));
    for (const id of ids) {
      expect(events.filter((e) => e.messageId === id).map((e) => e.type)).toEqual([
        "queued",
        "sending",
        "sent",
      ]);
    }
  });

  it("a group takes at most its size of other sends along", async () => {
    const db = await getDb();
    const { orgId } = await makeOrg();
    const ids = await sendEmails(orgId, MICRO_BATCH + 6);
    const firstJob = `message:${ids[0]}`;
    await db
      .update(jobs)
      .set({ runAt: sql`now() + interval '1 hour'` })
      .where(and(eq(jobs.functionId, "messages-send"), sql`${jobs.eventId} <> ${firstJob}`));
    await runDueJobs(1);
    const rows = await db.select({ status: messages.status }).from(messages).where(inArray(messages.id, ids));
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(MICRO_BATCH + 1);
    expect(rows.filter((r) => r.status === "queued")).toHaveLength(5);
  });

  it("a run whose message another run has in flight waits instead of sending it again; once orphaned it is sent again", async () => {
    const db = await getDb();
    const { orgId } = await makeOrg();
    const [id] = (await sendEmails(orgId, 1, { category: "transactional" })) as [string];
    // Another run's group has it in flight (claimed a moment ago).
    await db
      .update(messages)
      .set({ status: "sending", sendingAt: new Date(), attemptCount: 1 })
      .where(eq(messages.id, id));
    await runDueJobs(8);
    let [job] = await jobsOf([id]);
    expect(job?.status).toBe("pending");
    expect((job?.steps as { deliver?: { status: string } } | undefined)?.deliver?.status).toBe("in_flight");
    expect((await db.select().from(messageAttempts).where(eq(messageAttempts.messageId, id))).length).toBe(0);

    // That run died: the message has been `sending` for longer than a lease. The waiting run takes it
    // and, by the crash policy for transactional messages, sends it again.
    await db
      .update(messages)
      .set({ sendingAt: new Date(Date.now() - 120_000) })
      .where(eq(messages.id, id));
    // Its first wait is a second long.
    await new Promise((r) => setTimeout(r, 1200));
    await drainJobs();
    [job] = await jobsOf([id]);
    expect(job?.status).toBe("completed");
    const [row] = await db.select().from(messages).where(eq(messages.id, id));
    expect(row?.status).toBe("sent");
    const types = (
      await db.select({ type: messageEvents.type }).from(messageEvents).where(eq(messageEvents.messageId, id))
    ).map((e) => e.type);
    expect(types).toContain("interrupted");
    expect(types.filter((t) => t === "sent")).toHaveLength(1);
  });
});
