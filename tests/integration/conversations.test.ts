import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as thread from "@/app/api/v1/conversations/messages/route";
import * as conversations from "@/app/api/v1/conversations/route";
import * as sms from "@/app/api/v1/sms/send/route";
import { getDb } from "@/lib/db";
import { messages, type Provider, providers } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { handleInboundSms } from "@/lib/services/webhooks/inbound";
import { call, makeKey, makeOrg, uniq } from "../factories";

const US = "+12025550142";
const UK = "+447911123456";
const OURS = "+15005550006";

const tick = () => new Promise((r) => setTimeout(r, 5));

async function consoleProvider(orgId: string): Promise<Provider> {
  const db = await getDb();
  const [p] = await db
    .select()
    .from(providers)
    .where(and(eq(providers.orgId, orgId), eq(providers.type, "console")));
  if (!p) throw new Error("the organisation has no console SMS provider");
  return p;
}

async function send(key: string, to: string, message: string) {
  const res = await call(sms.POST, { method: "POST", key, body: { to, message } });
  expect(res.status).toBe(202);
  await tick();
  return res.json;
}

async function receive(provider: Provider, from: string, body: string) {
  const r = await handleInboundSms(provider, { from, to: OURS, body, providerMessageId: uniq("SM") });
  expect(r.duplicate).toBe(false);
  await tick();
  return r;
}

const list = (key: string, qs = "") => call(conversations.GET, { key, path: `/conversations${qs}` });
const messagesOf = (key: string, number: string, qs = "") =>
  call(thread.GET, { key, path: `/conversations/messages?number=${encodeURIComponent(number)}${qs}` });

/** One organisation with two threads: the US number replied and then sent STOP, the UK one replied once. */
async function seeded() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId, "admin");
  const provider = await consoleProvider(orgId);
  await send(key, US, "Hello 1");
  await send(key, US, "Hello 2");
  await send(key, UK, "Hi from London");
  // The console provider takes the queued messages before anyone opts out.
  await drainJobs();
  await receive(provider, US, "Who is this?");
  await receive(provider, UK, "Thanks!");
  return { orgId, key, provider };
}

describe("conversations (SMS threads per number)", () => {
  it("lists one thread per counterpart, newest activity first, with counts and opt-out state", async () => {
    const { key, provider } = await seeded();

    const before = await list(key);
    expect(before.status).toBe(200);
    expect(before.json.data.map((t: { number: string }) => t.number)).toEqual([UK, US]);
    expect(before.json.data[0]).toMatchObject({
      number: UK,
      last_direction: "inbound",
      last_body: "Thanks!",
      message_count: 2,
      inbound_count: 1,
      opted_out: false,
    });

    await receive(provider, US, " stop ");
    const after = await list(key);
    expect(after.json.next_cursor).toBeNull();
    expect(after.json.data).toHaveLength(2);
    const [us, uk] = after.json.data;
    expect(us).toMatchObject({
      number: US,
      last_direction: "inbound",
      last_body: " stop ",
      message_count: 4,
      inbound_count: 2,
      opted_out: true,
    });
    expect(uk).toMatchObject({ number: UK, message_count: 2, inbound_count: 1, opted_out: false });
    expect(new Date(us.last_message_at).getTime()).toBeGreaterThan(new Date(uk.last_message_at).getTime());

    // Replying to the opted-out number is refused on "to".
    const refused = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: US, message: "are you there?" },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("opted_out");
    expect(refused.json.error.details[0].field).toBe("to");

    // A reply to the UK number moves its thread to the top, as outbound.
    await send(key, UK, "You're welcome");
    const replied = await list(key);
    expect(replied.json.data[0]).toMatchObject({
      number: UK,
      last_direction: "outbound",
      last_body: "You're welcome",
      message_count: 3,
      inbound_count: 1,
    });
  });

  it("returns a thread oldest to newest, pages to older messages and accepts a national number", async () => {
    const { key, provider } = await seeded();
    await receive(provider, US, "STOP");

    const all = await messagesOf(key, US);
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ number: US, opted_out: true, next_cursor: null });
    expect(all.json.data.map((m: { body: string }) => m.body)).toEqual([
      "Hello 1",
      "Hello 2",
      "Who is this?",
      "STOP",
    ]);
    expect(all.json.data.map((m: { direction: string }) => m.direction)).toEqual([
      "outbound",
      "outbound",
      "inbound",
      "inbound",
    ]);
    // Outbound messages carry their delivery status once the console provider took them.
    expect(all.json.data[0]).toMatchObject({ status: "sent", provider_type: "console", error: null });
    expect(all.json.data[3]).toMatchObject({ status: "delivered", provider_type: "console" });
    expect(all.json.data[0].id).toMatch(/^[0-9a-f-]{36}$/);

    const newest = await messagesOf(key, US, "&limit=3");
    expect(newest.json.data.map((m: { body: string }) => m.body)).toEqual([
      "Hello 2",
      "Who is this?",
      "STOP",
    ]);
    expect(newest.json.next_cursor).toEqual(expect.any(String));
    const older = await messagesOf(key, US, `&limit=3&cursor=${newest.json.next_cursor}`);
    expect(older.json.data.map((m: { body: string }) => m.body)).toEqual(["Hello 1"]);
    expect(older.json.next_cursor).toBeNull();

    const national = await messagesOf(key, "(202) 555-0142");
    expect(national.json.number).toBe(US);
    expect(national.json.data).toHaveLength(4);

    const uk = await messagesOf(key, UK);
    expect(uk.json).toMatchObject({ number: UK, opted_out: false });
    expect(uk.json.data.map((m: { body: string }) => m.body)).toEqual(["Hi from London", "Thanks!"]);

    const nobody = await messagesOf(key, "+12025550199");
    expect(nobody.status).toBe(200);
    expect(nobody.json.data).toEqual([]);
  });

  it("searches by number, as typed or by its digits", async () => {
    const { key } = await seeded();
    const byPrefix = await list(key, "?q=%2B4479");
    expect(byPrefix.json.data.map((t: { number: string }) => t.number)).toEqual([UK]);
    const byDigits = await list(key, `?q=${encodeURIComponent("(202) 555")}`);
    expect(byDigits.json.data.map((t: { number: string }) => t.number)).toEqual([US]);
    const none = await list(key, "?q=999999");
    expect(none.json).toEqual({ data: [], next_cursor: null });
    const blank = await list(key, "?q=");
    expect(blank.json.data).toHaveLength(2);
  });

  it("pages the thread list by last activity and number", async () => {
    const { key } = await seeded();
    const first = await list(key, "?limit=1");
    expect(first.json.data.map((t: { number: string }) => t.number)).toEqual([UK]);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await list(key, `?limit=1&cursor=${first.json.next_cursor}`);
    expect(second.json.data.map((t: { number: string }) => t.number)).toEqual([US]);
    expect(second.json.next_cursor).toBeNull();

    // Threads whose last messages share a millisecond page by number, none skipped or repeated.
    const { orgId: tiedOrg } = await makeOrg();
    const tiedKey = await makeKey(tiedOrg);
    const at = new Date("2026-01-02T03:04:05.678Z");
    const numbers = ["+12025550101", "+12025550102", "+12025550103"];
    const db = await getDb();
    await db.insert(messages).values(
      numbers.map((from) => ({
        orgId: tiedOrg,
        channel: "sms" as const,
        direction: "inbound" as const,
        status: "delivered" as const,
        from,
        to: OURS,
        body: "x",
        createdAt: at,
      })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(tiedKey, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.json.data.map((t: { number: string }) => t.number));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...numbers].reverse());

    const bad = await list(key, "?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("cursor");
  });

  it("lists only numbers that wrote to us: a one-way send is not a conversation", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const provider = await consoleProvider(orgId);
    await send(key, US, "Your code is 1234");
    await send(key, UK, "Hello");
    await receive(provider, UK, "Thanks");
    const threads = await list(key);
    expect(threads.json.data.map((t: { number: string }) => t.number)).toEqual([UK]);
  });

  it("requires a key and a number, and keeps organisations apart", async () => {
    const { key } = await seeded();
    expect((await call(conversations.GET, { path: "/conversations" })).status).toBe(401);
    expect(
      (await call(thread.GET, { path: `/conversations/messages?number=${encodeURIComponent(US)}` })).status,
    ).toBe(401);

    const missing = await call(thread.GET, { key, path: "/conversations/messages" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0]).toMatchObject({ field: "number", message: "is required" });

    const other = await makeOrg();
    const otherKey = await makeKey(other.orgId, "staff");
    expect((await list(otherKey)).json).toEqual({ data: [], next_cursor: null });
    const foreign = await messagesOf(otherKey, US);
    expect(foreign.json).toMatchObject({ number: US, opted_out: false, data: [], next_cursor: null });
    // The first organisation still sees its own.
    expect((await list(key)).json.data).toHaveLength(2);
  });
});
