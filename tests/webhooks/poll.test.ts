import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as providers from "@/app/api/v1/providers/route";
import * as sms from "@/app/api/v1/sms/send/route";
import { getDb } from "@/lib/db";
import { messages, providers as providerRows } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { adapters, pollableTypes } from "@/lib/providers/registry";
import type { SmsAdapter } from "@/lib/providers/types";
import { pollStuckMessages } from "@/lib/services/webhooks/poll";
import { call, makeKey, makeOrg } from "../factories";
import { startHttpDouble } from "../providers/http-double";

describe("delivery-status poll", () => {
  it("asks Twilio about messages stuck in sent past the configured age and moves them on, once", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const sid = "SM11111111111111111111111111111111";
    const double = await startHttpDouble((req) =>
      req.method === "POST"
        ? { status: 201, body: { sid, status: "queued", price: null } }
        : { status: 200, body: { sid, status: "delivered", price: "-0.00790", price_unit: "USD" } },
    );
    const account = `AC${"2".repeat(32)}`;
    await call(providers.POST, {
      method: "POST",
      key,
      body: {
        name: "Twilio",
        type: "twilio",
        priority: 1,
        sender: { phone: "+12025550100" },
        config: { base_url: double.url },
        credentials: { account_sid: account, auth_token: "token-1234567890" },
      },
    });
    const sent = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "hi" } });
    await drainJobs();
    expect((await call(one.GET, { key, params: { id: sent.json.id } })).json.status).toBe("sent");

    // Too recent: not looked up.
    expect((await pollStuckMessages()).checked).toBe(0);
    const db = await getDb();
    await db
      .update(messages)
      .set({ updatedAt: new Date(Date.now() - 45 * 60_000) })
      .where(eq(messages.id, sent.json.id));
    const result = await pollStuckMessages();
    expect(result.updated).toBeGreaterThanOrEqual(1);
    const lookup = double.requests.find((r) => r.method === "GET");
    expect(lookup?.path).toBe(`/2010-04-01/Accounts/${account}/Messages/${sid}.json`);
    expect(lookup?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${account}:token-1234567890`).toString("base64")}`,
    );
    const after = (await call(one.GET, { key, params: { id: sent.json.id } })).json;
    expect(after).toMatchObject({ status: "delivered", cost: 0.0079 });
    expect(after.events.find((e: { type: string }) => e.type === "delivered").data.via).toBe("status_poll");
    // Delivered messages are no longer polled.
    await db
      .update(messages)
      .set({ updatedAt: new Date(Date.now() - 45 * 60_000) })
      .where(eq(messages.id, sent.json.id));
    expect((await pollStuckMessages()).checked).toBe(0);
    await double.close();
  });

  it("asks the registry which providers can poll: an adapter that gains fetchStatus is polled", async () => {
    expect(pollableTypes()).toContain("twilio");
    expect(pollableTypes()).not.toContain("console");
    const { orgId } = await makeOrg();
    const db = await getDb();
    const [consoleProvider] = await db
      .select()
      .from(providerRows)
      .where(eq(providerRows.orgId, orgId))
      .then((rows) => rows.filter((p) => p.type === "console"));
    const [stuck] = await db
      .insert(messages)
      .values({
        orgId,
        channel: "sms",
        status: "sent",
        to: "+12025550143",
        body: "hi",
        providerId: consoleProvider?.id,
        providerType: "console",
        providerMessageId: "console-poll-1",
        updatedAt: new Date(Date.now() - 45 * 60_000),
      })
      .returning();
    const adapter = adapters.console as SmsAdapter;
    const fetchStatus = vi.fn(async () => ({ providerStatus: "DELIVRD", status: "delivered" as const }));
    adapter.fetchStatus = fetchStatus;
    try {
      expect(pollableTypes()).toContain("console");
      await pollStuckMessages();
      expect(fetchStatus).toHaveBeenCalledWith(expect.anything(), "console-poll-1");
      const [after] = await db
        .select()
        .from(messages)
        .where(eq(messages.id, stuck?.id ?? ""));
      expect(after?.status).toBe("delivered");
    } finally {
      delete adapter.fetchStatus;
    }
  });
});
