import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as suppressions from "@/app/api/v1/suppressions/route";
import { getDb } from "@/lib/db";
import { messages, outbox } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

async function optOut(key: string, address: string) {
  const res = await call(optOuts.POST, { method: "POST", key, body: { address, channel: "email" } });
  expect(res.status).toBeLessThan(300);
}

describe("every recipient of an email passes consent (to, cc and bcc)", () => {
  it("refuses a send whose bcc opted out, naming the field, and stores nothing", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    await optOut(key, "gone@example.com");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        bcc: ["ok@example.com", "gone@example.com"],
        subject: "News",
        text: "Hello",
        category: "marketing",
      },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("opted_out");
    expect(res.json.error.details[0].field).toBe("bcc.1");
    const db = await getDb();
    expect(await db.select().from(messages).where(eq(messages.orgId, orgId))).toHaveLength(0);
  });

  it("refuses a suppressed cc", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    await call(suppressions.POST, {
      method: "POST",
      key,
      body: { address: "bounced@example.com", reason: "hard_bounce" },
    });
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", cc: ["bounced@example.com"], subject: "Receipt", text: "Thanks" },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe("cc.0");
  });

  it("checks cc and bcc again at delivery: an address that opted out since is left out and the event says so", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        cc: ["stays@example.com", "leaves@example.com"],
        bcc: ["hidden@example.com"],
        subject: "News",
        text: "Hello",
        category: "marketing",
      },
    });
    expect(res.status).toBe(202);
    await optOut(key, "leaves@example.com");
    await optOut(key, "hidden@example.com");
    await drainJobs();
    const detail = await call(one.GET, { key, params: { id: res.json.id } });
    expect(detail.json.status).toBe("sent");
    const removed = detail.json.events.find((e: { type: string }) => e.type === "recipients_removed");
    expect(removed.data.addresses.sort()).toEqual(["hidden@example.com", "leaves@example.com"]);
    const db = await getDb();
    const [delivered] = await db.select().from(outbox).where(eq(outbox.messageId, res.json.id));
    expect(delivered?.to).toBe("a@example.com, stays@example.com");
    expect(delivered?.raw).not.toContain("leaves@example.com");
    expect(delivered?.raw).not.toContain("hidden@example.com");
  });
});

describe("attachment sizes count decoded bytes", () => {
  it("reports the decoded size, not the base64 length", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        subject: "Files",
        text: "See attached",
        attachments: [
          { filename: "one.txt", content_base64: "YQ==", content_type: "text/plain" }, // "a"
          { filename: "two.txt", content_base64: "YWI=", content_type: "text/plain" }, // "ab"
          { filename: "three.txt", content_base64: "YWJj", content_type: "text/plain" }, // "abc"
          { filename: "unpadded.txt", content_base64: "YWI", content_type: "text/plain" }, // "ab"
        ],
      },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const detail = await call(one.GET, { key, params: { id: res.json.id } });
    expect(detail.json.attachments.map((a: { size: number }) => a.size)).toEqual([1, 2, 3, 2]);
  });

  it("refuses base64 whose length cannot be base64", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        subject: "Files",
        text: "x",
        attachments: [{ filename: "a.txt", content_base64: "a", content_type: "text/plain" }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].field).toBe("attachments.0.content_base64");
  });

  it("caps attachments at 25 MB of decoded content, padding not counted", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    // Exactly 25 MiB decoded: 25 MiB is not a multiple of 3, so the base64 carries padding.
    const exact = Buffer.alloc(25 * 1024 * 1024, 1).toString("base64");
    expect(exact.endsWith("=")).toBe(true);
    const ok = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        subject: "Big",
        text: "x",
        attachments: [
          { filename: "big.bin", content_base64: exact, content_type: "application/octet-stream" },
        ],
      },
    });
    expect(ok.status, JSON.stringify(ok.json?.error)).toBe(202);
    const over = Buffer.alloc(25 * 1024 * 1024 + 1, 1).toString("base64");
    const refused = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        subject: "Big",
        text: "x",
        attachments: [
          { filename: "big.bin", content_base64: over, content_type: "application/octet-stream" },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details[0].field).toBe("attachments");
  });
});
