import { describe, expect, it } from "vitest";
import * as settings from "@/app/api/v1/settings/route";
import { call, makeKey, makeOrg } from "../factories";

describe("organisation settings", () => {
  it("lets admins change the default region and keyword replies; others read only", async () => {
    const { orgId, name } = await makeOrg();
    const admin = await makeKey(orgId);
    const read = await call(settings.GET, { key: await makeKey(orgId, "staff") });
    expect(read.json).toMatchObject({ name, default_region: "US", sms_stop_reply: null });
    expect(read.json.defaults.sms_stop_reply).toContain("unsubscribed");
    const staffWrite = await call(settings.PATCH, {
      method: "PATCH",
      key: await makeKey(orgId, "manager"),
      body: { default_region: "GB" },
    });
    expect(staffWrite.status).toBe(403);
    const bad = await call(settings.PATCH, {
      method: "PATCH",
      key: admin,
      body: { default_region: "Britain", sms_help_reply: "" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "default_region",
      "sms_help_reply",
    ]);
    const ok = await call(settings.PATCH, {
      method: "PATCH",
      key: admin,
      body: { default_region: "gb", sms_stop_reply: "Bye from {{organisation}}" },
    });
    expect(ok.json).toMatchObject({ default_region: "GB", sms_stop_reply: "Bye from {{organisation}}" });
    const reset = await call(settings.PATCH, { method: "PATCH", key: admin, body: { sms_stop_reply: null } });
    expect(reset.json.sms_stop_reply).toBeNull();
    expect((await call(settings.GET)).status).toBe(401);
  });
});
