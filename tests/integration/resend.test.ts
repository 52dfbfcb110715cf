import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as resendFailed from "@/app/api/v1/campaigns/[id]/resend-failed/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as email from "@/app/api/v1/email/send/route";
import * as resend from "@/app/api/v1/messages/[id]/resend/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { eventOutbox, type MessageStatus, messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { makeAudience, runToEnd } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";

// The first database use migrates a fresh PGlite: done under the hook timeout, not a test's.
beforeAll(async () => {
  await makeOrg();
});

/** Moves a message to a final status, as a provider's receipt would. */
async function markAs(id: string, status: MessageStatus) {
  await (await getDb())
    .update(messages)
    .set({ status, error: status === "delivered" ? null : "carrier_rejected" })
    .where(eq(messages.id, id));
}

describe("resending a message", () => {
  it("resends a failed message once, as a new message with resent_from; a delivered one is refused", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const sent = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "ada@example.com",
        subject: "Receipt",
        html: '<p>Hi <a href="https://example.com/r">r</a></p>',
        text: "Hi",
      },
    });
    await drainJobs();
    const early = await call(resend.POST, { method: "POST", key, params: { id: sent.json.id } });
    expect(early.status).toBe(422);
    expect(early.json.error.code).toBe("not_resendable");
    await markAs(sent.json.id, "failed");
    const again = await call(resend.POST, { method: "POST", key, params: { id: sent.json.id } });
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({
      status: "queued",
      to: "ada@example.com",
      subject: "Receipt",
      resent_from: sent.json.id,
    });
    expect(again.json.id).not.toBe(sent.json.id);
    await drainJobs();
    const detail = await call(one.GET, { key, params: { id: again.json.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.resent_from).toBe(sent.json.id);
    // The new message tracks its own clicks, not the original's: one pixel, links decorated once.
    const [row] = await (await getDb()).select().from(messages).where(eq(messages.id, again.json.id));
    expect(row?.html?.match(/\/t\/o\//g)).toHaveLength(1);
    expect(row?.html?.match(/\/t\/c\//g)).toHaveLength(1);
    const twice = await call(resend.POST, { method: "POST", key, params: { id: sent.json.id } });
    expect(twice.status).toBe(409);
    const all = await (await getDb()).select().from(messages).where(eq(messages.resentFrom, sent.json.id));
    expect(all).toHaveLength(1);
  });

  it("checks consent again: an opted-out recipient is rejected on resend", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const sent = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "Your code" },
    });
    await drainJobs();
    await markAs(sent.json.id, "undelivered");
    await call(optOuts.POST, { method: "POST", key, body: { address: "+12025550142", channel: "sms" } });
    const res = await call(resend.POST, { method: "POST", key, params: { id: sent.json.id } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("opted_out");
    const rows = await (await getDb()).select().from(messages).where(eq(messages.resentFrom, sent.json.id));
    expect(rows).toHaveLength(0);
  });

  it("answers 404 for another organisation's message and 401 without a key", async () => {
    const a = await makeOrg();
    const key = await makeKey(a.orgId);
    const sent = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "x" } });
    await drainJobs();
    await markAs(sent.json.id, "failed");
    const other = await makeKey((await makeOrg()).orgId);
    expect(
      (await call(resend.POST, { method: "POST", key: other, params: { id: sent.json.id } })).status,
    ).toBe(404);
    expect((await call(resend.POST, { method: "POST", params: { id: sent.json.id } })).status).toBe(401);
  });
});

describe("resending a campaign's failures", () => {
  it("resends the failed and undelivered recipients once each, skipping the delivered", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 5);
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: {
        channel: "email",
        name: `T-${orgId}`,
        category: "marketing",
        subject: "Hello {{name}}",
        html: "<p>Hi {{name}}</p>",
        text: "Hi {{name}}",
      },
    });
    expect(t.status).toBe(201);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Resend me", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
    });
    const early = await call(resendFailed.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(early.status).toBe(422);
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    expect((await runToEnd(key, c.json.id)).status).toBe("completed");
    const db = await getDb();
    // Completion is told to the organisation's systems, written in the completing transaction.
    const told = await db
      .select()
      .from(eventOutbox)
      .where(and(eq(eventOutbox.orgId, orgId), eq(eventOutbox.type, "campaign.completed")));
    expect(told).toHaveLength(1);
    expect(told[0]?.data).toMatchObject({ id: c.json.id, name: "Resend me", status: "completed" });
    const rows = await db.select().from(messages).where(eq(messages.campaignId, c.json.id));
    const byTo = new Map(rows.map((r) => [r.to, r]));
    await markAs(byTo.get("person0@example.com")?.id as string, "failed");
    await markAs(byTo.get("person1@example.com")?.id as string, "undelivered");
    await markAs(byTo.get("person2@example.com")?.id as string, "delivered");
    await markAs(byTo.get("person3@example.com")?.id as string, "failed");
    // person3 opted out since: consent is checked again and they are not queued.
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "person3@example.com", channel: "email" },
    });
    const res = await call(resendFailed.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ queued: 2, skipped: 1 });
    const resent = await db
      .select()
      .from(messages)
      .where(and(eq(messages.orgId, orgId), isNotNull(messages.resentFrom)));
    expect(resent.map((m) => m.to).sort()).toEqual(["person0@example.com", "person1@example.com"]);
    expect(resent[0]?.subject).toMatch(/^Hello Person [01]$/);
    // Its own unsubscribe footer, not the original's beside a second one.
    for (const m of resent) expect(m.html?.match(/data-switchboard="unsubscribe"/g)).toHaveLength(1);
    expect(
      resent.every((m) =>
        [byTo.get("person0@example.com")?.id, byTo.get("person1@example.com")?.id].includes(
          m.resentFrom as string,
        ),
      ),
    ).toBe(true);
    const second = await call(resendFailed.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(second.json).toEqual({ queued: 0, skipped: 1 });
    await drainJobs();
    const after = await db
      .select()
      .from(messages)
      .where(
        inArray(
          messages.id,
          resent.map((m) => m.id),
        ),
      );
    expect(after.every((m) => m.status === "sent")).toBe(true);
  });
});
