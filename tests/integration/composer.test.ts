import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as contactsRoute from "@/app/api/v1/contacts/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { freezeAudience } from "@/lib/services/campaigns/freeze";
import { call, makeKey, makeOrg } from "../factories";

// One message composer (lib/services/messages/compose.ts): an API send and a
// campaign's freeze build the same message from the same template and
// variables, and refuse it for the same reasons (the API with a 422 naming the
// field, the campaign with a rejected row and the reason).

describe("one message composer for API sends and campaigns", () => {
  it("an SMS from a template comes out the same through the API and a campaign; too long is refused by both", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const tag = `c${Date.now()}`;
    // UCS-2 (the ✓) and two segments once rendered.
    const body =
      "Hello {{name}} ✓ your order is ready for collection at the store on the high street. {{note}}";
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: `Compose ${tag}`, body, category: "transactional" },
    });
    expect(t.status, JSON.stringify(t.json)).toBe(201);
    const note = "Bring your receipt.";
    const long = "x".repeat(1700);
    for (const [phone, name, n] of [
      ["+12025550161", "Ada", note],
      ["+12025550162", "Bo", long],
    ] as const) {
      const res = await call(contactsRoute.POST, {
        method: "POST",
        key,
        body: { phone, name, attributes: { group: tag, note: n } },
      });
      expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    }

    const api = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550161", template_id: t.json.id, variables: { name: "Ada", note } },
    });
    expect(api.status, JSON.stringify(api.json)).toBe(202);
    const tooLong = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550162", template_id: t.json.id, variables: { name: "Bo", note: long } },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.code).toBe("message_too_long");
    expect(tooLong.json.error.details[0].field).toBe("template_id");

    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Compose",
        channel: "sms",
        template_id: t.json.id,
        category: "transactional",
        audience: { list_ids: [], filter: { all: [{ field: "group", op: "eq", value: tag }] } },
      },
    });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    await freezeAudience(c.json.id);
    const db = await getDb();
    const rows = await db.select().from(messages).where(eq(messages.campaignId, c.json.id));
    const ada = rows.find((r) => r.to === "+12025550161");
    const [fromApi] = await db.select().from(messages).where(eq(messages.id, api.json.id));
    for (const column of ["body", "segments", "encoding", "estimatedCost", "currency", "status"] as const) {
      expect(ada?.[column], column).toEqual(fromApi?.[column]);
    }
    expect(ada?.encoding).toBe("UCS-2");
    expect(ada?.segments).toBe(2);
    const bo = rows.find((r) => r.to === "+12025550162");
    expect(bo?.status).toBe("rejected");
    expect(bo?.error).toMatch(/^message_too_long: \d+ characters$/);
  });
});
