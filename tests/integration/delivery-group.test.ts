import { and, eq, inArray } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as pause from "@/app/api/v1/campaigns/[id]/pause/route";
import * as resume from "@/app/api/v1/campaigns/[id]/resume/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { messageAttempts, messageEvents, messages, providerDailyUsage } from "@/lib/db/schema";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { CAMPAIGN_CONCURRENCY, sendCampaignBatch } from "@/lib/services/campaigns/dispatch";
import { freezeAudience } from "@/lib/services/campaigns/freeze";
import { deliverGroup } from "@/lib/services/messages/deliver";
import { utcDay } from "@/lib/services/providers/usage";
import { makeAudience, runToEnd } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";

afterAll(() => closeSmtpTransports());

/** An SMTP server on loopback that accepts `accept(n)` for its n-th message (0-based) and answers 421 otherwise. */
async function sink(accept: (n: number) => boolean | Promise<boolean> = () => true) {
  const received: string[] = [];
  let n = 0;
  const server = new SMTPServer({
    closeTimeout: 100,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", async () => {
        const ok = await accept(n++);
        if (!ok) {
          const err = new Error("Service not available") as Error & { responseCode: number };
          err.responseCode = 421;
          callback(err);
          return;
        }
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function setup(recipients: number, providers: { name: string; port: number; daily_limit?: number }[]) {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  const existing = (await call(providersRoute.GET, { key, path: "/providers?channel=email" })).json.data;
  const { updateProvider } = await import("@/lib/services/providers/providers");
  const { systemCtx } = await import("@/lib/services/context");
  for (const p of existing)
    await updateProvider({ ctx: systemCtx(orgId), id: p.id, input: { enabled: false } });
  const ids: string[] = [];
  for (const [i, p] of providers.entries()) {
    const res = await call(providersRoute.POST, {
      method: "POST",
      key,
      body: {
        name: p.name,
        type: "smtp",
        priority: i + 1,
        daily_limit: p.daily_limit ?? null,
        failure_threshold: 100,
        sender: { email: "news@acme.test" },
        config: { host: "127.0.0.1", port: p.port, tls_mode: "none" },
      },
    });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  const { listId } = await makeAudience(orgId, recipients, () => ({ tier: "gold" }));
  const t = await call(templates.POST, {
    method: "POST",
    key,
    body: {
      channel: "email",
      name: `T${Math.random()}`,
      subject: "Hello {{name}}",
      html: "<p>Hi {{name}}</p>",
      category: "marketing",
    },
  });
  const c = await call(campaignsRoute.POST, {
    method: "POST",
    key,
    body: { name: "Group", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
  });
  return { orgId, key, campaignId: c.json.id as string, providerIds: ids };
}

async function eventCounts(campaignId: string) {
  const db = await getDb();
  const rows = await db
    .select({ messageId: messageEvents.messageId, type: messageEvents.type })
    .from(messageEvents)
    .innerJoin(messages, eq(messages.id, messageEvents.messageId))
    .where(eq(messages.campaignId, campaignId));
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const m = counts.get(r.messageId) ?? new Map<string, number>();
    m.set(r.type, (m.get(r.type) ?? 0) + 1);
    counts.set(r.messageId, m);
  }
  return counts;
}

// Opening (and migrating) the database is the slow part on a busy machine: not inside a test's time.
beforeAll(async () => {
  await getDb();
});

describe("group delivery", () => {
  it("handles an opt-out after acceptance, a provider failing mid-group and a daily limit running out inside one group", async () => {
    const limited = await sink();
    const failing = await sink((n) => n < 3);
    const spare = await sink();
    const { key, campaignId, providerIds } = await setup(20, [
      { name: "Limited", port: limited.port, daily_limit: 8 },
      { name: "Failing", port: failing.port },
      { name: "Spare", port: spare.port },
    ]);
    const [limitedId, failingId, spareId] = providerIds as [string, string, string];
    // Launch without running its job: freeze here, then deliver the group by hand.
    expect((await call(launch.POST, { method: "POST", key, params: { id: campaignId } })).status).toBe(200);
    await freezeAudience(campaignId);
    // Accepted (frozen) as queued, then the recipient opts out before delivery.
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "person2@example.com", channel: "email" },
    });

    const db = await getDb();
    const group = await deliverGroup(
      { campaignId, limit: 20, orphanedBefore: new Date(0) },
      { concurrency: 4 },
    );
    expect(group.claimed).toBe(20);
    const statuses = [...group.outcomes.values()].map((o) => o.status);
    expect(statuses.filter((s) => s === "sent")).toHaveLength(19);
    expect(statuses.filter((s) => s === "failed")).toHaveLength(1);

    const rows = await db.select().from(messages).where(eq(messages.campaignId, campaignId));
    const opted = rows.find((r) => r.to === "person2@example.com");
    expect(opted).toMatchObject({ status: "rejected" });
    const sentRows = rows.filter((r) => r.status === "sent");
    expect(sentRows).toHaveLength(19);
    // The limited provider took exactly its limit; the failing one its 3; the spare the rest.
    const byProvider = (id: string) => sentRows.filter((r) => r.providerId === id).length;
    expect(byProvider(limitedId)).toBe(8);
    expect(byProvider(failingId)).toBe(3);
    expect(byProvider(spareId)).toBe(8);
    // Every recipient but the opted-out one received exactly one copy, from one server.
    const all = [...limited.received, ...failing.received, ...spare.received];
    expect(all).toHaveLength(19);
    expect(new Set(all).size).toBe(19);
    expect(all).not.toContain("person2@example.com");
    // Daily counters hold what was sent (failed attempts give their reservation back).
    const usage = await db
      .select()
      .from(providerDailyUsage)
      .where(and(inArray(providerDailyUsage.providerId, providerIds), eq(providerDailyUsage.day, utcDay())));
    const sentBy = new Map(usage.map((u) => [u.providerId, u.sent]));
    expect(sentBy.get(limitedId)).toBe(8);
    expect(sentBy.get(failingId)).toBe(3);
    expect(sentBy.get(spareId)).toBe(8);
    // Attempts: one success per sent message, and a failure on the failing provider for each that failed over.
    const attempts = await db
      .select()
      .from(messageAttempts)
      .where(
        inArray(
          messageAttempts.messageId,
          rows.map((r) => r.id),
        ),
      );
    expect(attempts.filter((a) => a.outcome === "success")).toHaveLength(19);
    const failures = attempts.filter((a) => a.outcome === "failure");
    expect(failures.length).toBe(8);
    expect(failures.every((a) => a.providerId === failingId)).toBe(true);
    // Timelines: one sending and one terminal event per message, nothing twice.
    const events = await eventCounts(campaignId);
    for (const r of rows) {
      const e = events.get(r.id);
      expect(e?.get("sending")).toBe(1);
      if (r.status === "sent") expect(e?.get("sent")).toBe(1);
      else expect(e?.get("rejected")).toBe(1);
    }
    // A second group finds nothing left to claim.
    expect((await deliverGroup({ campaignId, limit: 20, orphanedBefore: new Date(0) })).claimed).toBe(0);
    await Promise.all([limited.close(), failing.close(), spare.close()]);
  });

  it("lets a pause land mid-group: the claimed group finishes, no further group starts, resume sends the rest once", async () => {
    let pauseOnce: (() => Promise<void>) | null = null;
    const server = await sink(async (n) => {
      if (n === 4 && pauseOnce) await pauseOnce();
      return true;
    });
    const recipients = CAMPAIGN_CONCURRENCY * 2 + 5;
    const { key, campaignId } = await setup(recipients, [{ name: "Only", port: server.port }]);
    pauseOnce = async () => {
      const res = await call(pause.POST, { method: "POST", key, params: { id: campaignId } });
      expect(res.json.status).toBe("paused");
    };
    await call(launch.POST, { method: "POST", key, params: { id: campaignId } });
    await freezeAudience(campaignId);

    const batch = await sendCampaignBatch(campaignId);
    expect(batch).toMatchObject({ state: "stopped", status: "paused", sent: CAMPAIGN_CONCURRENCY });
    const db = await getDb();
    const mid = await db.select().from(messages).where(eq(messages.campaignId, campaignId));
    expect(mid.filter((m) => m.status === "sent")).toHaveLength(CAMPAIGN_CONCURRENCY);
    expect(mid.filter((m) => m.status === "queued")).toHaveLength(recipients - CAMPAIGN_CONCURRENCY);
    expect(server.received).toHaveLength(CAMPAIGN_CONCURRENCY);

    expect((await call(resume.POST, { method: "POST", key, params: { id: campaignId } })).json.status).toBe(
      "running",
    );
    const end = await runToEnd(key, campaignId);
    expect(end.status).toBe("completed");
    expect(end.stats.sent).toBe(recipients);
    expect(server.received).toHaveLength(recipients);
    expect(new Set(server.received).size).toBe(recipients);
    const events = await eventCounts(campaignId);
    for (const counts of events.values()) expect(counts.get("sent")).toBe(1);
    await server.close();
  });

  it("never gives one message to two concurrent groups: three batches at once send each recipient once", async () => {
    const server = await sink();
    const recipients = CAMPAIGN_CONCURRENCY * 3 + 7;
    const { key, campaignId } = await setup(recipients, [{ name: "Only", port: server.port }]);
    await call(launch.POST, { method: "POST", key, params: { id: campaignId } });
    await freezeAudience(campaignId);
    const batches = await Promise.all([
      sendCampaignBatch(campaignId),
      sendCampaignBatch(campaignId),
      sendCampaignBatch(campaignId),
    ]);
    const sent = batches.reduce((n, b) => n + b.sent, 0);
    expect(sent).toBe(recipients);
    expect(server.received).toHaveLength(recipients);
    expect(new Set(server.received).size).toBe(recipients);
    const db = await getDb();
    const attempts = await db
      .select({ messageId: messageAttempts.messageId })
      .from(messageAttempts)
      .innerJoin(messages, eq(messages.id, messageAttempts.messageId))
      .where(eq(messages.campaignId, campaignId));
    expect(attempts).toHaveLength(recipients);
    await server.close();
  });
});
