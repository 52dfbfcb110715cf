import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as dryRun from "@/app/api/v1/campaigns/dry-run/route";
import * as preview from "@/app/api/v1/campaigns/preview/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as contactsRoute from "@/app/api/v1/contacts/route";
import * as resend from "@/app/api/v1/messages/[id]/resend/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as settings from "@/app/api/v1/settings/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as smsBulk from "@/app/api/v1/sms/send-bulk/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { freezeAudience } from "@/lib/services/campaigns/freeze";
import { call, makeKey, makeOrg } from "../factories";

// Only Date is faked: timers, the database and the job runner run as usual.
function at(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}
afterEach(() => {
  vi.useRealTimers();
});

async function contact(key: string, body: Record<string, unknown>) {
  const res = await call(contactsRoute.POST, { method: "POST", key, body });
  expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
  return res.json.id as string;
}

async function marketing(key: string, to: string) {
  const res = await call(sms.POST, {
    method: "POST",
    key,
    body: { to, message: "Sale!", category: "marketing" },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json;
}

async function quietNote(key: string, id: string) {
  const detail = await call(one.GET, { key, params: { id } });
  const scheduled = detail.json.events.find((e: { type: string }) => e.type === "scheduled");
  return scheduled?.data?.quiet_hours;
}

describe("quiet hours in the recipient's own time zone (single sends)", () => {
  it("defers a contact in Tokyo with a US number at 04:51 Tokyo to 08:00 Tokyo, and records why", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    await contact(key, { phone: "+12025550188", timezone: "Asia/Tokyo", name: "Aiko" });
    at("2026-12-01T19:51:00.000Z"); // 04:51 on 2 Dec in Tokyo; 14:51 in Washington
    const m = await marketing(key, "+12025550188");
    expect(m.status).toBe("scheduled");
    expect(m.scheduled_at).toBe("2026-12-01T23:00:00.000Z");
    expect(await quietNote(key, m.id)).toMatchObject({
      zone: "Asia/Tokyo",
      source: "contact",
      reason: "the contact's time zone",
      window: "21:00–08:00",
      until: "2026-12-01T23:00:00.000Z",
    });
    // A number with no contact goes by its area code: Washington is awake.
    expect((await marketing(key, "+12025550177")).status).toBe("queued");
  });

  it("defers a Pacific area code at 06:00 Pacific although it is 09:00 Eastern", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    at("2026-12-01T14:00:00.000Z");
    const m = await marketing(key, "+14155550123");
    expect(m.scheduled_at).toBe("2026-12-01T16:00:00.000Z");
    expect(await quietNote(key, m.id)).toMatchObject({ zone: "America/Los_Angeles", source: "number" });
    const otp = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+14155550123", message: "Code 123456", category: "otp" },
    });
    expect(otp.json.status).toBe("queued");
  });

  it("follows Perth for a +61 8 9 number", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    at("2026-12-01T23:00:00.000Z"); // 07:00 in Perth, 10:00 in Sydney
    const m = await marketing(key, "+61892345678");
    expect(m.scheduled_at).toBe("2026-12-02T00:00:00.000Z");
    expect(await quietNote(key, m.id)).toMatchObject({ zone: "Australia/Perth", source: "number" });
  });

  it("falls back to the country for a number with no contact and an unmapped area, and says so", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    at("2026-12-01T12:00:00.000Z"); // 07:00 in New York
    const m = await marketing(key, "+18005550100");
    expect(m.scheduled_at).toBe("2026-12-01T13:00:00.000Z");
    const note = await quietNote(key, m.id);
    expect(note).toMatchObject({ zone: "America/New_York", source: "country" });
    expect(note.reason).toMatch(/not mapped/);
  });

  it("uses the organisation's window from settings", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const admin = await makeKey(orgId, "admin");
    const bad = await call(settings.PATCH, {
      method: "PATCH",
      key: admin,
      body: { quiet_hours_start: "25:00" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("quiet_hours_start");
    const ok = await call(settings.PATCH, {
      method: "PATCH",
      key: admin,
      body: { quiet_hours_start: "20:00", quiet_hours_end: "09:00" },
    });
    expect(ok.json).toMatchObject({ quiet_hours_start: "20:00", quiet_hours_end: "09:00" });
    at("2026-12-01T13:30:00.000Z"); // 08:30 in Washington: quiet under 20:00–09:00, not under the default
    const m = await marketing(admin, "+12025550188");
    expect(m.scheduled_at).toBe("2026-12-01T14:00:00.000Z");
    expect(await quietNote(admin, m.id)).toMatchObject({ window: "20:00–09:00" });
  });
});

describe("quiet hours in bulk and campaigns (the same resolution)", () => {
  it("bulk sends resolve each recipient's zone, the contact's first", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    await contact(key, { phone: "+12025550101", timezone: "Asia/Tokyo" });
    at("2026-12-01T19:51:00.000Z");
    const res = await call(smsBulk.POST, {
      method: "POST",
      key,
      body: {
        recipients: [{ to: "+12025550101" }, { to: "+12025550102" }],
        message: "Sale!",
        category: "marketing",
      },
    });
    expect(res.json.accepted).toBe(2);
    const db = await getDb();
    const rows = await db.select().from(messages).where(eq(messages.batchId, res.json.batch_id));
    const byTo = Object.fromEntries(rows.map((r) => [r.to, r.scheduledAt?.toISOString() ?? null]));
    expect(byTo).toEqual({ "+12025550101": "2026-12-01T23:00:00.000Z", "+12025550102": null });
  });

  it("campaign freeze defers per recipient with the same function, and the dry run counts them", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    const ids = [
      await contact(key, {
        phone: "+12025550111",
        timezone: "Asia/Tokyo",
        name: "Tokyo",
        attributes: { group: "qh" },
      }),
      await contact(key, { phone: "+14155550112", name: "San Francisco", attributes: { group: "qh" } }),
      await contact(key, { phone: "+12025550113", name: "Washington", attributes: { group: "qh" } }),
      await contact(key, { phone: "+61892345614", name: "Perth", attributes: { group: "qh" } }),
    ];
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: `Sale ${ids[0]}`, body: "Sale for {{name}}", category: "marketing" },
    });
    // 14:00 UTC: 23:00 Tokyo (quiet), 06:00 San Francisco (quiet), 09:00 Washington (awake), 22:00 Perth (quiet).
    at("2026-12-01T14:00:00.000Z");
    const audience = { list_ids: [], filter: { all: [{ field: "group", op: "eq", value: "qh" }] } };
    const dry = await call(preview.POST, {
      method: "POST",
      key,
      body: { channel: "sms", audience, template_id: t.json.id },
    });
    expect(dry.status, JSON.stringify(dry.json)).toBe(200);
    expect(dry.json).toMatchObject({ count: 4, quiet_hours_deferred: 3 });
    // The launch dialog's dry run says the same.
    const launchDry = await call(dryRun.POST, {
      method: "POST",
      key,
      body: { channel: "sms", audience, template_id: t.json.id, category: "marketing" },
    });
    expect(launchDry.status, JSON.stringify(launchDry.json)).toBe(200);
    expect(launchDry.json).toMatchObject({ targeted: 4, quiet_hours_deferred: 3 });
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Quiet", channel: "sms", template_id: t.json.id, category: "marketing", audience },
    });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    await freezeAudience(c.json.id);
    const db = await getDb();
    const rows = await db.select().from(messages).where(eq(messages.campaignId, c.json.id));
    const byTo = Object.fromEntries(rows.map((r) => [r.to, r.scheduledAt?.toISOString() ?? null]));
    expect(byTo).toEqual({
      "+12025550111": "2026-12-01T23:00:00.000Z", // 08:00 Tokyo
      "+14155550112": "2026-12-01T16:00:00.000Z", // 08:00 Pacific
      "+12025550113": null,
      "+61892345614": "2026-12-02T00:00:00.000Z", // 08:00 Perth
    });
    const tokyo = rows.find((r) => r.to === "+12025550111");
    expect(await quietNote(key, tokyo?.id as string)).toMatchObject({
      zone: "Asia/Tokyo",
      source: "contact",
    });
  });
});

describe("quiet hours in local-time schedules and resends", () => {
  it("a local-time schedule follows each recipient's wall clock; a number spanning zones waits for the latest", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    const tag = `lt${Date.now()}`;
    await contact(key, {
      phone: "+12025550121",
      timezone: "Asia/Tokyo",
      name: "Tokyo",
      attributes: { group: tag },
    });
    await contact(key, { phone: "+14155550122", name: "San Francisco", attributes: { group: tag } });
    // +61 8 is Western and South Australia: Perth (UTC+8) and Adelaide (UTC+10:30 in December).
    await contact(key, { phone: "+61892345623", name: "Perth or Adelaide", attributes: { group: tag } });
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: `Local ${tag}`, body: "Morning {{name}}", category: "marketing" },
    });
    at("2026-12-01T00:00:00.000Z");
    const audience = { list_ids: [], filter: { all: [{ field: "group", op: "eq", value: tag }] } };
    // 10:00 on 2 December wherever the recipient is.
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Local",
        channel: "sms",
        template_id: t.json.id,
        category: "marketing",
        audience,
        send_at: "2026-12-02T10:00:00.000Z",
        local_time: true,
      },
    });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    await freezeAudience(c.json.id);
    const db = await getDb();
    const rows = await db.select().from(messages).where(eq(messages.campaignId, c.json.id));
    const byTo = Object.fromEntries(rows.map((r) => [r.to, r.scheduledAt?.toISOString() ?? null]));
    expect(byTo).toEqual({
      "+12025550121": "2026-12-02T01:00:00.000Z", // 10:00 Tokyo (UTC+9)
      "+14155550122": "2026-12-02T18:00:00.000Z", // 10:00 Pacific (UTC-8)
      // 10:00 in Perth (02:00 UTC) is 12:30 in Adelaide, but 10:00 in Adelaide (23:30 UTC the day
      // before) is 07:30 in Perth: the latest of the two wall times is 10:00 or later in both.
      "+61892345623": "2026-12-02T02:00:00.000Z",
    });
  });

  it("a resent marketing SMS is held for the recipient's morning like any send", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId, "staff");
    at("2026-12-01T20:00:00.000Z"); // 12:00 Pacific: sent at once
    const first = await marketing(key, "+14155550131");
    expect(first.status).toBe("queued");
    const db = await getDb();
    await db
      .update(messages)
      .set({ status: "failed", error: "carrier_rejected" })
      .where(eq(messages.id, first.id));
    at("2026-12-02T14:00:00.000Z"); // 06:00 Pacific
    const again = await call(resend.POST, { method: "POST", key, params: { id: first.id } });
    expect(again.status, JSON.stringify(again.json)).toBe(202);
    expect(again.json).toMatchObject({ status: "scheduled", scheduled_at: "2026-12-02T16:00:00.000Z" });
    expect(await quietNote(key, again.json.id)).toMatchObject({
      zone: "America/Los_Angeles",
      source: "number",
    });
  });
});
