import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import { sendMessage } from "@/inngest/functions/messages/send";
import { closeDb, getDb } from "@/lib/db";
import { jobs, outbox } from "@/lib/db/schema";
import { drainJobs, runDueJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { call, makeKey, makeOrg } from "../factories";
import { freePort } from "../smtp-sink";

describe("embedded job runner", () => {
  it("keeps a scheduled message across a restart and sends it exactly once", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    // Far enough ahead that the first runDueJobs (which also runs the due crons) parks it on a loaded machine.
    const sendAt = new Date(Date.now() + 8000).toISOString();
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "later@example.com", subject: "Later", text: "x", send_at: sendAt },
    });
    expect(res.json.status).toBe("scheduled");
    // Parks the job until send_at; on a shared Postgres other files' due jobs and the crons
    // may fill the first claims, so run until this job has been taken once.
    const db1 = await getDb();
    const parkedJob = async () =>
      (
        await db1
          .select()
          .from(jobs)
          .where(eq(jobs.eventId, `message:${res.json.id}`))
      )[0];
    for (let i = 0; i < 10; i++) {
      await runDueJobs();
      if ((await parkedJob())?.runAt.toISOString() === sendAt) break;
    }
    const parked = await parkedJob();
    expect(parked).toMatchObject({ status: "pending" });
    expect(parked?.runAt.toISOString()).toBe(sendAt);

    // "Restart": drop the process's database handle and open it again from disk (or Postgres).
    await closeDb();
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(sendAt).getTime() - Date.now() + 100)));
    await drainJobs();
    await drainJobs();
    const db2 = await getDb();
    const delivered = await db2.select().from(outbox).where(eq(outbox.messageId, res.json.id));
    expect(delivered).toHaveLength(1);
    expect((await call(one.GET, { key, params: { id: res.json.id } })).json.status).toBe("sent");
    const [done] = await db2
      .select()
      .from(jobs)
      .where(eq(jobs.eventId, `message:${res.json.id}`));
    expect(done?.status).toBe("completed");
  });

  it("retries with backoff when no provider can take the message, then sends once one can", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const providers = (await call(providersRoute.GET, { key, path: "/providers?channel=email" })).json.data;
    const { updateProvider } = await import("@/lib/services/providers/providers");
    const { systemCtx } = await import("@/lib/services/context");
    const ctx = systemCtx(orgId);
    // Only a dead SMTP provider is enabled.
    await updateProvider({ ctx, id: providers[0].id, input: { enabled: false } });
    await call(providersRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Dead",
        type: "smtp",
        priority: 1,
        failure_threshold: 100,
        sender: { email: "a@acme.test" },
        config: { host: "127.0.0.1", port: await freePort(), tls_mode: "none" },
      },
    });
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", subject: "s", text: "t" },
    });
    await drainJobs();
    const db = await getDb();
    const [job] = await db
      .select()
      .from(jobs)
      .where(eq(jobs.eventId, `message:${res.json.id}`));
    expect(job).toMatchObject({ status: "pending", attempt: 1 });
    expect(job?.runAt.getTime()).toBeGreaterThan(Date.now());
    const m = (await call(one.GET, { key, params: { id: res.json.id } })).json;
    expect(m.status).toBe("queued");
    expect(m.events.map((e: { type: string }) => e.type)).toContain("retrying");

    // The sandbox comes back; the retry (made due now) sends it.
    await updateProvider({ ctx, id: providers[0].id, input: { enabled: true } });
    await db
      .update(jobs)
      .set({ runAt: new Date() })
      .where(eq(jobs.eventId, `message:${res.json.id}`));
    await drainJobs();
    const after = (await call(one.GET, { key, params: { id: res.json.id } })).json;
    expect(after.status).toBe("sent");
    expect(after.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      "failure",
      "failure",
      "success",
    ]);
    closeSmtpTransports();
  });
});

describe("messages-send as an Inngest function", () => {
  it("waits for the send time, then delivers", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "ig@example.com", subject: "s", text: "t" },
    });
    const engine = new InngestTestEngine({
      function: sendMessage.inngest,
      events: [
        {
          name: "messages/message.requested",
          data: { messageId: res.json.id, orgId, sendAt: new Date().toISOString() },
        },
      ],
      steps: [{ id: "wait-for-send-time", handler() {} }],
    });
    const { result } = await engine.execute();
    expect(result).toMatchObject({ status: "sent" });
    expect((await call(one.GET, { key, params: { id: res.json.id } })).json.status).toBe("sent");
  });
});
