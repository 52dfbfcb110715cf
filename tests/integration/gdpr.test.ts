import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as erase from "@/app/api/v1/contacts/[id]/erase/route";
import * as exportRoute from "@/app/api/v1/contacts/[id]/export/route";
import * as contactOne from "@/app/api/v1/contacts/[id]/route";
import * as contacts from "@/app/api/v1/contacts/route";
import * as email from "@/app/api/v1/email/send/route";
import * as listOne from "@/app/api/v1/lists/[id]/route";
import * as lists from "@/app/api/v1/lists/route";
import * as messageOne from "@/app/api/v1/messages/[id]/route";
import * as messageList from "@/app/api/v1/messages/route";
import * as check from "@/app/api/v1/opt-outs/check/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as outbox from "@/app/api/v1/outbox/route";
import * as sms from "@/app/api/v1/sms/send/route";
import { getDb } from "@/lib/db";
import { auditLog, messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

/** A contact on a list with an email, an SMS and a campaign-style message linked by contact_id. */
async function contactWithHistory() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId, "staff");
  const list = await call(lists.POST, { method: "POST", key, body: { name: "Members" } });
  const contact = await call(contacts.POST, {
    method: "POST",
    key,
    body: {
      email: "ada@example.com",
      phone: "+12025550142",
      name: "Ada Lovelace",
      timezone: "Europe/London",
      attributes: { plan: "pro" },
      list_ids: [list.json.id],
    },
  });
  const mail = await call(email.POST, {
    method: "POST",
    key,
    body: {
      to: "Ada@Example.com",
      subject: "Your invoice",
      text: "Dear Ada, you owe 10",
      metadata: { order: 7 },
    },
  });
  const text = await call(sms.POST, {
    method: "POST",
    key,
    body: { to: "+12025550142", message: "Hi Ada, code 1234" },
  });
  const other = await call(sms.POST, {
    method: "POST",
    key,
    body: { to: "+12025550143", message: "Not Ada" },
  });
  await drainJobs();
  const db = await getDb();
  const [linked] = await db
    .insert(messages)
    .values({
      orgId,
      channel: "email",
      status: "sent",
      to: "old-address@example.com",
      subject: "Campaign",
      text: "Hello Ada",
      variables: { name: "Ada" },
      category: "marketing",
      contactId: contact.json.id,
    })
    .returning();
  await call(optOuts.POST, {
    method: "POST",
    key,
    body: { address: "+12025550142", channel: "sms", reason: "asked" },
  });
  return {
    orgId,
    key,
    list,
    contact: contact.json,
    mail: mail.json,
    text: text.json,
    other: other.json,
    linkedId: linked?.id as string,
  };
}

describe("GDPR export and erase", () => {
  it("exports everything held about a contact: fields, lists, opt-outs and messages with events", async () => {
    const h = await contactWithHistory();
    const res = await exportRoute.GET(
      new Request(`http://localhost/api/v1/contacts/${h.contact.id}/export`, {
        headers: { authorization: `Bearer ${h.key}` },
      }),
      { params: Promise.resolve({ id: h.contact.id }) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const data = await res.json();
    expect(data.contact).toMatchObject({
      id: h.contact.id,
      email: "ada@example.com",
      name: "Ada Lovelace",
      attributes: { plan: "pro" },
    });
    expect(data.lists).toEqual([expect.objectContaining({ id: h.list.json.id, name: "Members" })]);
    expect(data.opt_outs).toEqual([
      expect.objectContaining({ address: "+12025550142", channel: "sms", reason: "asked" }),
    ]);
    const ids = data.messages.map((m: { id: string }) => m.id).sort();
    expect(ids).toEqual([h.mail.id, h.text.id, h.linkedId].sort());
    const mail = data.messages.find((m: { id: string }) => m.id === h.mail.id);
    expect(mail).toMatchObject({
      to: "ada@example.com",
      subject: "Your invoice",
      text: "Dear Ada, you owe 10",
      metadata: { order: 7 },
    });
    expect(mail.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["queued", "sent"]),
    );
    expect(mail.attempts).toHaveLength(1);
    expect(data.messages.find((m: { id: string }) => m.id === h.linkedId).variables).toEqual({ name: "Ada" });
  });

  it("erases personal data and message bodies, keeps counts, statuses and the opt-out", async () => {
    const h = await contactWithHistory();
    const before = await call(messageList.GET, { key: h.key });
    const erased = await call(erase.POST, { method: "POST", key: h.key, params: { id: h.contact.id } });
    expect(erased.status).toBe(200);
    expect(erased.json).toMatchObject({ id: h.contact.id, messages_erased: 3, memberships_removed: 1 });

    const contact = await call(contactOne.GET, { key: h.key, params: { id: h.contact.id } });
    expect(contact.json).toMatchObject({
      email: null,
      phone: null,
      name: null,
      timezone: null,
      locale: null,
      attributes: {},
      list_ids: [],
    });
    expect(contact.json.erased_at).toBe(erased.json.erased_at);
    // Erased contacts leave searches and lists but still count as rows.
    expect((await call(contacts.GET, { key: h.key })).json.data).toEqual([]);
    expect((await call(listOne.GET, { key: h.key, params: { id: h.list.json.id } })).json.member_count).toBe(
      0,
    );

    const after = await call(messageList.GET, { key: h.key });
    expect(after.json.data).toHaveLength(before.json.data.length);
    const mail = (await call(messageOne.GET, { key: h.key, params: { id: h.mail.id } })).json;
    expect(mail).toMatchObject({
      status: "sent",
      to: "[erased]",
      subject: null,
      text: null,
      html: null,
      metadata: null,
    });
    expect(mail.events.map((e: { type: string; data: unknown }) => e.data)).toEqual(
      mail.events.map(() => null),
    );
    expect(mail.attempts[0].outcome).toBe("success");
    const text = (await call(messageOne.GET, { key: h.key, params: { id: h.text.id } })).json;
    expect(text).toMatchObject({ to: "[erased]", body: null, segments: 1 });
    const linked = (await call(messageOne.GET, { key: h.key, params: { id: h.linkedId } })).json;
    expect(linked).toMatchObject({ to: "[erased]", text: null, subject: null });
    const untouched = (await call(messageOne.GET, { key: h.key, params: { id: h.other.id } })).json;
    expect(untouched).toMatchObject({ to: "+12025550143", body: "Not Ada" });

    const box = (await call(outbox.GET, { key: h.key })).json.data as {
      message_id: string;
      to: string;
      body: string | null;
      text: string | null;
    }[];
    for (const o of box.filter((x) => x.message_id === h.mail.id || x.message_id === h.text.id)) {
      expect(o).toMatchObject({ to: "[erased]", body: null, text: null });
    }
    expect(box.some((o) => JSON.stringify(o).includes("Dear Ada"))).toBe(false);

    // The opt-out stays: the erased person must not be messaged again.
    const stillOut = await call(check.GET, {
      key: h.key,
      path: "/opt-outs/check?address=%2B12025550142&channel=sms",
    });
    expect(stillOut.json.opted_out).toBe(true);

    const db = await getDb();
    const trail = await db.select().from(auditLog).where(eq(auditLog.resourceId, h.contact.id));
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(["contact.created", "contact.erased"]));
    expect(JSON.stringify(trail)).not.toContain("ada@example.com");

    const exported = await exportRoute.GET(
      new Request(`http://localhost/api/v1/contacts/${h.contact.id}/export`, {
        headers: { authorization: `Bearer ${h.key}` },
      }),
      { params: Promise.resolve({ id: h.contact.id }) },
    );
    const data = await exported.json();
    expect(JSON.stringify(data)).not.toMatch(/Ada|ada@example\.com|\+12025550142/);
    expect(data.messages).toHaveLength(3);

    expect(
      (
        await call(contactOne.PATCH, {
          method: "PATCH",
          key: h.key,
          params: { id: h.contact.id },
          body: { name: "x" },
        })
      ).status,
    ).toBe(409);
    // Erasing again is harmless.
    expect(
      (await call(erase.POST, { method: "POST", key: h.key, params: { id: h.contact.id } })).status,
    ).toBe(200);
  });

  it("answers 404 for another organisation's contact and 401 without a key", async () => {
    const h = await contactWithHistory();
    const other = await makeOrg();
    const keyB = await makeKey(other.orgId);
    expect((await call(erase.POST, { method: "POST", key: keyB, params: { id: h.contact.id } })).status).toBe(
      404,
    );
    const res = await exportRoute.GET(
      new Request(`http://localhost/api/v1/contacts/${h.contact.id}/export`, {
        headers: { authorization: `Bearer ${keyB}` },
      }),
      { params: Promise.resolve({ id: h.contact.id }) },
    );
    expect(res.status).toBe(404);
    expect((await call(erase.POST, { method: "POST", params: { id: h.contact.id } })).status).toBe(401);
    expect((await call(contactOne.GET, { key: h.key, params: { id: h.contact.id } })).json.email).toBe(
      "ada@example.com",
    );
  });
});
