import { afterAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as templates from "@/app/api/v1/templates/route";
import { CAMPAIGN_CONCURRENCY } from "@/lib/services/campaigns/dispatch";
import { CAMPAIGN_LANES } from "@/lib/services/campaigns/lanes";
import { makeAudience, orgSendingToSink } from "../campaign-fixtures";
import { startWorker, stopWorkers } from "../crash-harness";
import { call } from "../factories";

const RECIPIENTS = Number(process.env.CRASH_TEST_RECIPIENTS ?? 1500);
const KILL_AT = [0.2, 0.45, 0.7].map((f) => Math.floor(f * RECIPIENTS));

afterAll(stopWorkers);

// The worker shares the database with this test process, which PGlite (one process) cannot do.
describe.skipIf(!process.env.DATABASE_URL)(
  "campaign crash safety (needs DATABASE_URL; skipped on embedded PGlite)",
  () => {
    it(`SIGKILLed ${KILL_AT.length} times mid-fan-out, a ${RECIPIENTS}-recipient campaign still reaches everyone, doubling at most the in-flight sends`, async () => {
      const { orgId, key, sink } = await orgSendingToSink();
      const t = await call(templates.POST, {
        method: "POST",
        key,
        body: {
          channel: "email",
          name: "Crash",
          subject: "Hi {{name}}",
          text: "Hello {{name}}",
          category: "marketing",
        },
      });
      const { listId } = await makeAudience(orgId, RECIPIENTS);
      const c = await call(campaignsRoute.POST, {
        method: "POST",
        key,
        body: { name: "Crash", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
      });
      await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });

      let worker = startWorker();
      for (const at of KILL_AT) {
        const deadline = Date.now() + 120_000;
        while (sink.received.length < at && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        worker.kill("SIGKILL");
        await new Promise((r) => worker.once("exit", r));
        worker = startWorker();
      }
      const deadline = Date.now() + 180_000;
      let campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      while (campaign.status !== "completed" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      }
      worker.kill("SIGTERM");

      const perRecipient = new Map<string, number>();
      for (const r of sink.received)
        for (const to of r.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      const doubled = [...perRecipient.values()].filter((n) => n > 1).length;
      console.log(
        `crash test: ${RECIPIENTS} recipients, ${KILL_AT.length} kills, ${sink.received.length} emails received, ${doubled} recipients got a second copy, in_flight_at_crash=${campaign.stats.in_flight_at_crash}`,
      );
      expect(campaign.status).toBe("completed");
      expect(perRecipient.size).toBe(RECIPIENTS);
      expect(Math.max(...perRecipient.values())).toBeLessThanOrEqual(2);
      expect(doubled).toBeLessThanOrEqual(CAMPAIGN_CONCURRENCY * CAMPAIGN_LANES * KILL_AT.length);
      expect(doubled).toBeLessThanOrEqual(campaign.stats.in_flight_at_crash);
      expect(campaign.stats.sent).toBe(RECIPIENTS);
      await sink.close();
    }, 400_000);
  },
);
