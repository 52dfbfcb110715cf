import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as pick from "@/app/api/v1/campaigns/[id]/pick-winner/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { CAMPAIGN_CONCURRENCY } from "@/lib/services/campaigns/dispatch";
import { CAMPAIGN_LANES } from "@/lib/services/campaigns/lanes";
import { makeAudience, orgSendingToSink } from "../campaign-fixtures";
import { killWorker, startWorker, stopWorkers, switchToOwnDatabase } from "../crash-harness";
import { call } from "../factories";

const RECIPIENTS = Number(process.env.CRASH_TEST_RECIPIENTS ?? 1500);
const TEST_PERCENT = 10;
const TEST_SIZE = Math.round((RECIPIENTS * TEST_PERCENT) / 100);

afterAll(stopWorkers);

async function until(check: () => Promise<boolean>, ms: number, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, every));
}

// Workers share the database with this test process, which PGlite (one process) cannot do.
describe.skipIf(!process.env.DATABASE_URL)(
  "A/B rollout crash safety (needs DATABASE_URL; skipped on embedded PGlite)",
  () => {
    // The workers run every due job of their database: this file's own database keeps other files' jobs out.
    if (process.env.DATABASE_URL) switchToOwnDatabase("switchboard_ab_crash");

    it(`SIGKILLed during the rollout of a ${RECIPIENTS}-recipient A/B campaign: nobody lost, nobody given a second message`, async () => {
      const { orgId, key, sink } = await orgSendingToSink();
      const ids: string[] = [];
      for (const label of ["Alpha", "Beta"]) {
        const t = await call(templates.POST, {
          method: "POST",
          key,
          body: {
            channel: "email",
            name: label,
            subject: `${label} {{name}}`,
            text: "Hello",
            category: "marketing",
          },
        });
        ids.push(t.json.id);
      }
      const { listId } = await makeAudience(orgId, RECIPIENTS);
      const c = await call(campaignsRoute.POST, {
        method: "POST",
        key,
        body: {
          name: "Crash AB",
          channel: "email",
          audience: { list_ids: [listId] },
          variants: [
            { name: "A", template_id: ids[0] },
            { name: "B", template_id: ids[1] },
          ],
          ab_test: { test_percent: TEST_PERCENT, metric: "manual" },
        },
      });
      expect(c.status).toBe(201);
      await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
      const db = await getDb();
      const messageCount = async () => {
        const [r] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(messages)
          .where(eq(messages.campaignId, c.json.id));
        return r?.n ?? 0;
      };

      let worker = startWorker();
      await until(async () => sink.received.length >= TEST_SIZE, 120_000);
      expect(sink.received.length).toBe(TEST_SIZE);
      const picked = await call(pick.POST, {
        method: "POST",
        key,
        params: { id: c.json.id },
        body: { variant: "B" },
      });
      expect(picked.status).toBe(200);

      // First kill: as soon as the rollout has begun writing the winner's messages (mid-materialization or just after).
      await until(async () => (await messageCount()) > TEST_SIZE, 60_000, 2);
      await killWorker(worker);
      const afterFirstKill = await messageCount();
      worker = startWorker();
      // Then twice more while the rollout's messages are being sent.
      const rest = RECIPIENTS - TEST_SIZE;
      for (const share of [0.3, 0.65]) {
        await until(async () => sink.received.length >= TEST_SIZE + Math.floor(share * rest), 120_000);
        await killWorker(worker);
        worker = startWorker();
      }
      let campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      await until(
        async () => {
          campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
          return campaign.status === "completed";
        },
        180_000,
        250,
      );
      worker.kill("SIGTERM");

      const rows = await db
        .select({ contactId: messages.contactId, n: sql<number>`count(*)::int` })
        .from(messages)
        .where(eq(messages.campaignId, c.json.id))
        .groupBy(messages.contactId);
      const perRecipient = new Map<string, number>();
      for (const r of sink.received)
        for (const to of r.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      const doubled = [...perRecipient.values()].filter((n) => n > 1).length;
      console.log(
        `A/B crash test: ${RECIPIENTS} recipients, first kill with ${afterFirstKill} messages written, ${sink.received.length} emails, ${doubled} second copies, in_flight_at_crash=${campaign.stats.in_flight_at_crash}`,
      );
      expect(campaign.status).toBe("completed");
      expect(campaign.winner).toBe("B");
      expect(campaign.stats.waiting).toBe(0);
      // Exactly one message per contact: the rollout after a crash neither lost nor repeated anybody.
      expect(rows.length).toBe(RECIPIENTS);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(campaign.stats.variants).toMatchObject([
        { name: "A", targeted: TEST_SIZE / 2 },
        { name: "B", targeted: RECIPIENTS - TEST_SIZE / 2 },
      ]);
      // Everybody received it; a second copy only for a send in flight at a kill (the interrupted-send policy).
      expect(perRecipient.size).toBe(RECIPIENTS);
      expect(doubled).toBeLessThanOrEqual(CAMPAIGN_CONCURRENCY * CAMPAIGN_LANES * 3);
      expect(doubled).toBeLessThanOrEqual(campaign.stats.in_flight_at_crash);
      expect(campaign.stats.sent).toBe(RECIPIENTS);
      await sink.close();
    }, 400_000);
  },
);
