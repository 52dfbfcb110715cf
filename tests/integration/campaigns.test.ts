import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as cancel from "@/app/api/v1/campaigns/[id]/cancel/route";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as pause from "@/app/api/v1/campaigns/[id]/pause/route";
import * as resume from "@/app/api/v1/campaigns/[id]/resume/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as stats from "@/app/api/v1/campaigns/[id]/stats/route";
import * as preview from "@/app/api/v1/campaigns/preview/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as providers from "@/app/api/v1/providers/route";
import * as suppressions from "@/app/api/v1/suppressions/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { jobs, messages, outbox } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { makeAudience, runToEnd } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startSmtpSink } from "../smtp-sink";

afterAll(() => closeSmtpTransports());

async function emailTemplate(
  key: string,
  html = "<p>Hi {{name}}, your tier is {{tier}}. {{organisation}}</p>",
) {
  const t = await call(templates.POST, {
    method: "POST",
    key,
    body: {
      channel: "email",
      name: `T${Date.now()}${Math.random()}`,
      subject: "Hello {{name}}",
      html,
      category: "marketing",
    },
  });
  return t.json.id as string;
}

describe("campaigns", () => {
  it("freezes the audience, renders per recipient, rejects opted-out and suppressed with reasons, and sends the rest once", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 40, (i) =>
      i === 7 ? {} : { tier: i % 2 ? "gold" : "silver" },
    );
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "person3@example.com", channel: "email", category: "marketing" },
    });
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "person4@example.com", channel: "email" },
    });
    await call(suppressions.POST, { method: "POST", key, body: { address: "person5@example.com" } });
    const templateId = await emailTemplate(key);
    const pv = await call(preview.POST, {
      method: "POST",
      key,
      body: { channel: "email", audience: { list_ids: [listId] } },
    });
    expect(pv.json.count).toBe(40);
    const created = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Autumn", channel: "email", template_id: templateId, audience: { list_ids: [listId] } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "draft", category: "marketing" });
    const launched = await call(launch.POST, { method: "POST", key, params: { id: created.json.id } });
    expect(launched.json.status).toBe("running");
    expect((await call(launch.POST, { method: "POST", key, params: { id: created.json.id } })).status).toBe(
      409,
    );
    const done = await runToEnd(key, created.json.id);
    expect(done.status).toBe("completed");
    expect(done.stats).toMatchObject({ targeted: 40, sent: 36, rejected: 4, queued: 0, progress: 1 });
    expect(done.stats.rejected_by_reason).toEqual({ opted_out: 2, suppressed: 1, missing_variables: 1 });
    const db = await getDb();
    const rows = await db.select().from(messages).where(eq(messages.campaignId, created.json.id));
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(40);
    const sent = rows.find((r) => r.to === "person1@example.com");
    expect(sent).toMatchObject({ status: "sent", subject: "Hello Person 1" });
    expect(sent?.html).toContain("your tier is gold. Org-");
    expect(sent?.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const delivered = await db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.messageId,
          rows.map((r) => r.id),
        ),
      );
    expect(delivered).toHaveLength(36);
    expect(new Set(delivered.map((d) => d.to)).size).toBe(36);
  });

  it("pauses (no sends while paused), resumes to the end, and cancel stops the rest", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const { listId } = await makeAudience(orgId, 30, () => ({ tier: "gold" }));
    const templateId = await emailTemplate(key);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Throttled",
        channel: "email",
        template_id: templateId,
        audience: { list_ids: [listId] },
        throttle_per_minute: 10,
      },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    await drainJobs(); // freeze + first batch of 10, then a throttle wait
    let s = (await call(stats.GET, { key, params: { id: c.json.id } })).json;
    expect(s.sent).toBe(10);
    expect((await call(pause.POST, { method: "POST", key, params: { id: c.json.id } })).json.status).toBe(
      "paused",
    );
    const db = await getDb();
    await db.update(jobs).set({ runAt: new Date() }).where(eq(jobs.status, "pending"));
    await drainJobs();
    s = (await call(stats.GET, { key, params: { id: c.json.id } })).json;
    expect(s.sent).toBe(10);
    expect((await call(resume.POST, { method: "POST", key, params: { id: c.json.id } })).json.status).toBe(
      "running",
    );
    await drainJobs();
    s = (await call(stats.GET, { key, params: { id: c.json.id } })).json;
    expect(s.sent).toBe(20);
    const cancelled = await call(cancel.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(cancelled.json.status).toBe("cancelled");
    const end = await runToEnd(key, c.json.id);
    expect(end.stats).toMatchObject({ sent: 20, cancelled: 10, queued: 0 });
    expect((await call(resume.POST, { method: "POST", key, params: { id: c.json.id } })).status).toBe(409);
  });

  it("fails over mid-campaign when the primary SMTP server dies: nothing lost, nothing doubled", async () => {
    const primary = await startSmtpSink();
    const secondary = await startSmtpSink();
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    for (const [name, port, priority] of [
      ["Primary", primary.port, 1],
      ["Secondary", secondary.port, 2],
    ] as const) {
      await call(providers.POST, {
        method: "POST",
        key,
        body: {
          name,
          type: "smtp",
          priority,
          sender: { email: "news@acme.test" },
          config: { host: "127.0.0.1", port, tls_mode: "none" },
        },
      });
    }
    const { listId } = await makeAudience(orgId, 120, () => ({ tier: "gold" }));
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Outage",
        channel: "email",
        template_id: await emailTemplate(key),
        audience: { list_ids: [listId] },
      },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    const killer = setInterval(() => {
      if (primary.received.length >= 40) {
        clearInterval(killer);
        closeSmtpTransports();
        void primary.close();
      }
    }, 5);
    const end = await runToEnd(key, c.json.id);
    clearInterval(killer);
    const all = [...primary.received, ...secondary.received].map((r) => r.envelope.to[0]);
    expect(end.status).toBe("completed");
    expect(end.stats.sent).toBe(120);
    expect(new Set(all).size).toBe(120);
    expect(all).toHaveLength(120);
    expect(primary.received.length).toBeGreaterThanOrEqual(40);
    expect(secondary.received.length).toBeGreaterThan(0);
    closeSmtpTransports();
    await secondary.close();
  });

  it("validates input, keeps organisations apart and checks roles", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const keyA = await makeKey(a.orgId);
    const keyB = await makeKey(b.orgId);
    const { listId } = await makeAudience(b.orgId, 2);
    const bad = await call(campaignsRoute.POST, {
      method: "POST",
      key: keyA,
      body: { name: "", channel: "fax", audience: { list_ids: [] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["name", "channel", "template_id", "audience"]),
    );
    const foreignList = await call(campaignsRoute.POST, {
      method: "POST",
      key: keyA,
      body: {
        name: "x",
        channel: "email",
        template_id: await emailTemplate(keyA),
        audience: { list_ids: [listId] },
      },
    });
    expect(foreignList.status).toBe(400);
    expect(foreignList.json.error.details[0].field).toBe("audience.list_ids");
    const cb = await call(campaignsRoute.POST, {
      method: "POST",
      key: keyB,
      body: {
        name: "B",
        channel: "email",
        template_id: await emailTemplate(keyB),
        audience: { list_ids: [listId] },
      },
    });
    expect((await call(one.GET, { key: keyA, params: { id: cb.json.id } })).status).toBe(404);
    expect((await call(launch.POST, { method: "POST", key: keyA, params: { id: cb.json.id } })).status).toBe(
      404,
    );
    expect((await call(campaignsRoute.GET)).status).toBe(401);
    expect((await call(campaignsRoute.GET, { key: await makeKey(a.orgId, "staff") })).status).toBe(200);
  });
});
