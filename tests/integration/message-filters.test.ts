import { describe, expect, it } from "vitest";
import * as list from "@/app/api/v1/messages/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as smsBulk from "@/app/api/v1/sms/send-bulk/route";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

describe("message log filters", () => {
  it("takes several statuses at once and a part of the recipient", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    await call(optOuts.POST, { method: "POST", key, body: { address: "+12025550199", channel: "sms" } });
    const bulk = await call(smsBulk.POST, {
      method: "POST",
      key,
      body: {
        message: "Hi",
        recipients: [{ to: "+12025550142" }, { to: "+12025550143" }, { to: "+12025550199" }],
      },
    });
    expect(bulk.json.accepted).toBe(2);
    await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+447911123456", message: "Later", send_at: new Date(Date.now() + 3600_000).toISOString() },
    });
    await drainJobs();
    const sentOrScheduled = await call(list.GET, { key, path: "/messages?status=sent,scheduled" });
    expect(sentOrScheduled.status).toBe(200);
    expect(sentOrScheduled.json.data.map((m: { status: string }) => m.status).sort()).toEqual([
      "scheduled",
      "sent",
      "sent",
    ]);
    const part = await call(list.GET, { key, path: "/messages?to=555014" });
    expect(part.json.data.map((m: { to: string }) => m.to).sort()).toEqual(["+12025550142", "+12025550143"]);
    // LIKE wildcards are literal: "%" matches nothing here.
    expect((await call(list.GET, { key, path: "/messages?to=%25" })).json.data).toHaveLength(0);
    const bad = await call(list.GET, { key, path: "/messages?status=sent,nonsense" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toMatch(/^status/);
  });
});
