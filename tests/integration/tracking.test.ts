import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as check from "@/app/api/v1/opt-outs/check/route";
import * as outboxRoute from "@/app/api/v1/outbox/route";
import * as click from "@/app/t/c/[token]/route";
import * as open from "@/app/t/o/[token]/route";
import * as unsub from "@/app/u/[token]/route";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { CLICK_TOKEN_TTL_DAYS, clickToken, signToken } from "@/lib/services/tracking/tokens";
import { call, makeKey, makeOrg } from "../factories";

const tokenFrom = (html: string, kind: "o" | "c" | "u") => {
  const m = new RegExp(`/${kind === "u" ? "u" : `t/${kind}`}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(html);
  if (!m?.[1]) throw new Error(`no ${kind} link in ${html}`);
  return m[1];
};

const follow = (token: string) =>
  click.GET(new Request(`http://localhost/t/c/${token}`), { params: Promise.resolve({ token }) });

async function sendMarketing(key: string) {
  const res = await call(email.POST, {
    method: "POST",
    key,
    body: {
      to: "reader@example.com",
      subject: "News",
      html: '<p>Read <a href="https://example.org/post?id=1&amp;x=2">this</a></p>',
      text: "Read it",
      category: "marketing",
    },
  });
  await drainJobs();
  const json = (await call(one.GET, { key, params: { id: res.json.id } })).json;
  // The API shows a preview without tracking; the links as sent are in the stored row.
  return { ...json, html: await storedHtml(res.json.id) };
}

async function storedHtml(id: string): Promise<string> {
  const [row] = await (await getDb())
    .select({ html: messages.html })
    .from(messages)
    .where(eq(messages.id, id));
  return row?.html ?? "";
}

describe("tracking and unsubscribe", () => {
  it("gives marketing email List-Unsubscribe headers (RFC 8058) and a footer link", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const m = await sendMarketing(key);
    expect(m.html).toContain("Unsubscribe</a>");
    expect(m.text).toMatch(/Unsubscribe: http:\/\/localhost:\d+\/u\//);
    const { getDb } = await import("@/lib/db");
    const { outbox } = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const [delivered] = await (await getDb()).select().from(outbox).where(eq(outbox.messageId, m.id));
    const unfolded = (delivered?.raw ?? "").replace(/\r\n[ \t]+/g, " ");
    expect(unfolded).toMatch(/List-Unsubscribe: <http:\/\/localhost:\d+\/u\/[^>]+>/);
    expect(unfolded).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    // Transactional mail has neither.
    const t = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", subject: "Receipt", html: "<p>ok</p>" },
    });
    expect((await call(one.GET, { key, params: { id: t.json.id } })).json.html).not.toContain("Unsubscribe");
  });

  it("records opens and clicks; redirects only to URLs it signed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const m = await sendMarketing(key);
    const pixel = await open.GET(new Request("http://localhost/t/o/x"), {
      params: Promise.resolve({ token: tokenFrom(m.html, "o") }),
    });
    expect(pixel.headers.get("content-type")).toBe("image/gif");
    const redirect = await click.GET(new Request("http://localhost/t/c/x"), {
      params: Promise.resolve({ token: tokenFrom(m.html, "c") }),
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("https://example.org/post?id=1&x=2");
    const forged = `${Buffer.from(JSON.stringify({ k: "c", m: m.id, u: "https://evil.example" })).toString("base64url")}.AAAAAAAAAAAAAAAAAAAAAA`;
    expect(
      (await click.GET(new Request("http://localhost/t/c/x"), { params: Promise.resolve({ token: forged }) }))
        .status,
    ).toBe(404);
    const js = clickToken(m.id, "javascript:alert(1)");
    expect(
      (await click.GET(new Request("http://localhost/t/c/x"), { params: Promise.resolve({ token: js }) }))
        .status,
    ).toBe(404);
    const events = (await call(one.GET, { key, params: { id: m.id } })).json.events.map(
      (e: { type: string }) => e.type,
    );
    expect(events).toEqual(expect.arrayContaining(["opened", "clicked"]));
  });

  it("unsubscribes by one-click POST without a session; GET only asks", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const m = await sendMarketing(key);
    const token = tokenFrom(m.html, "u");
    const page = await unsub.GET(new Request(`http://localhost/u/${token}`), {
      params: Promise.resolve({ token }),
    });
    expect(await page.text()).toContain("reader@example.com");
    let c = await call(check.GET, {
      key,
      path: "/opt-outs/check?address=reader@example.com&channel=email&category=marketing",
    });
    expect(c.json.opted_out).toBe(false);
    const res = await unsub.POST(
      new Request(`http://localhost/u/${token}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }),
      { params: Promise.resolve({ token }) },
    );
    expect(res.status).toBe(200);
    c = await call(check.GET, {
      key,
      path: "/opt-outs/check?address=reader@example.com&channel=email&category=marketing",
    });
    expect(c.json).toMatchObject({ opted_out: true, category: "marketing" });
    // Marketing only: receipts still go out.
    expect(
      (
        await call(email.POST, {
          method: "POST",
          key,
          body: { to: "reader@example.com", subject: "Receipt", text: "t" },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call(email.POST, {
          method: "POST",
          key,
          body: { to: "reader@example.com", subject: "News", text: "t", category: "marketing" },
        })
      ).status,
    ).toBe(422);
    const events = (await call(one.GET, { key, params: { id: m.id } })).json.events.map(
      (e: { type: string }) => e.type,
    );
    expect(events).toContain("unsubscribed");
    const bad = await unsub.POST(new Request("http://localhost/u/bogus", { method: "POST", body: "" }), {
      params: Promise.resolve({ token: "bogus.token" }),
    });
    expect(bad.status).toBe(404);
  });

  describe("click tokens", () => {
    afterEach(() => vi.useRealTimers());

    it("redirect only for the message that carried them, and expire", async () => {
      const { orgId } = await makeOrg();
      const key = await makeKey(orgId);
      const a = await sendMarketing(key);
      const b = await sendMarketing(key);
      const genuine = tokenFrom(a.html, "c");
      const res = await follow(genuine);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("https://example.org/post?id=1&x=2");

      // Signed with our key, but naming another message than the one that carried the link.
      const x = Math.floor(Date.now() / 1000) + 3600;
      const moved = signToken({ k: "c", m: b.id, u: "https://example.org/post?id=1&x=2", x });
      expect((await follow(moved)).status).toBe(404);
      // Signed for the message, but for a URL the message never contained.
      const elsewhere = clickToken(a.id, "https://evil.example/");
      expect((await follow(elsewhere)).status).toBe(404);
      // A message id that does not exist.
      expect(
        (await follow(clickToken("00000000-0000-4000-8000-000000000000", "https://x.example/"))).status,
      ).toBe(404);
      // A token whose payload was edited (the signature no longer matches).
      const [, sig] = genuine.split(".");
      const edited = `${Buffer.from(JSON.stringify({ k: "c", m: a.id, u: "https://evil.example", x })).toString("base64url")}.${sig}`;
      expect((await follow(edited)).status).toBe(404);

      // CLICK_TOKEN_TTL_DAYS later the genuine link no longer redirects.
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + CLICK_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000 + 1000);
      const expired = await follow(genuine);
      expect(expired.status).toBe(410);
      expect(expired.headers.get("location")).toBeNull();
      vi.useRealTimers();

      const clicks = (await call(one.GET, { key, params: { id: a.id } })).json.events.filter(
        (e: { type: string }) => e.type === "clicked",
      );
      expect(clicks).toHaveLength(1);
      const other = (await call(one.GET, { key, params: { id: b.id } })).json.events;
      expect(other.some((e: { type: string }) => e.type === "clicked")).toBe(false);
    });
  });

  it("shows the console a preview with no open pixel and direct links, so viewing records nothing", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const m = await sendMarketing(key);
    // As sent, the message carries the pixel and a tracked link.
    expect(m.html).toContain("/t/o/");
    expect(m.html).toContain("/t/c/");
    const detail = (await call(one.GET, { key, params: { id: m.id } })).json;
    const outbox = (await call(outboxRoute.GET, { key, path: "/outbox?channel=email&limit=50" })).json.data;
    const delivered = outbox.find((o: { message_id: string }) => o.message_id === m.id);
    expect(delivered, "delivered to the sandbox outbox").toBeDefined();
    for (const html of [detail.html as string, delivered.html as string]) {
      expect(html).not.toContain("/t/o/");
      expect(html).not.toContain("/t/c/");
      expect(html).toContain('<a href="https://example.org/post?id=1&amp;x=2">this</a>');
      expect(html).toContain("Unsubscribe</a>");
    }
    const events = detail.events.map((e: { type: string }) => e.type);
    expect(events).not.toContain("opened");
    expect(events).not.toContain("clicked");
  });
});
