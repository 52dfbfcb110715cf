import { inArray } from "drizzle-orm";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as providers from "@/app/api/v1/providers/route";
import { getDb } from "@/lib/db";
import { contacts, jobs, listMembers, lists } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg, uniq } from "./factories";
import { startSmtpSink } from "./smtp-sink";

/** A list of n contacts with emails and phones (inserted directly, as an import would). */
export async function makeAudience(
  orgId: string,
  n: number,
  attrs: (i: number) => Record<string, unknown> = () => ({}),
) {
  const db = await getDb();
  const [list] = await db
    .insert(lists)
    .values({ orgId, name: uniq("List") })
    .returning();
  if (!list) throw new Error("no list");
  const rows = Array.from({ length: n }, (_, i) => ({
    orgId,
    email: `person${i}@example.com`,
    phone: `+1202555${String(1000 + i).padStart(4, "0")}`,
    name: `Person ${i}`,
    attributes: attrs(i),
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(contacts)
      .values(rows.slice(i, i + 500))
      .returning({ id: contacts.id });
    ids.push(...inserted.map((r) => r.id));
  }
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insert(listMembers)
      .values(ids.slice(i, i + 500).map((contactId) => ({ listId: list.id, contactId, orgId })));
  }
  return { listId: list.id, contactIds: ids };
}

/** Runs the campaign's jobs to the end (completed, cancelled or paused), skipping throttle waits. */
export async function runToEnd(key: string, id: string, rounds = 50) {
  const db = await getDb();
  for (let i = 0; i < rounds; i++) {
    await drainJobs();
    const c = (await call(one.GET, { key, params: { id } })).json;
    if (["completed", "cancelled", "paused"].includes(c.status)) return c;
    await db
      .update(jobs)
      .set({ runAt: new Date() })
      .where(inArray(jobs.status, ["pending"]));
  }
  return (await call(one.GET, { key, params: { id } })).json;
}

/**
 * A fresh organisation (and admin key) whose only email provider is a new
 * SMTP sink on loopback, for tests that watch what a campaign really sent.
 */
export async function orgSendingToSink(): Promise<{
  orgId: string;
  key: string;
  sink: Awaited<ReturnType<typeof startSmtpSink>>;
}> {
  const sink = await startSmtpSink();
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  const p = await call(providers.POST, {
    method: "POST",
    key,
    body: {
      name: "Sink",
      type: "smtp",
      priority: 1,
      sender: { email: "news@acme.test" },
      config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
    },
  });
  if (p.status !== 201) throw new Error(`SMTP sink provider not created: ${p.status}`);
  return { orgId, key, sink };
}
