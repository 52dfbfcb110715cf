import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { jobs, messageEvents, messages } from "@/lib/db/schema";
import { makeAudience, orgSendingToSink } from "../campaign-fixtures";
import { startWorker, stopWorkers, switchToOwnDatabase } from "../crash-harness";
import { call } from "../factories";

const RECIPIENTS = 3000;

afterAll(stopWorkers);

// Two worker processes on one Postgres share one campaign: its lanes (dispatch
// runs keyed by campaign) are taken by whichever worker claims them, and the
// delivery groups inside them claim messages with SKIP LOCKED.
describe.skipIf(!process.env.DATABASE_URL)(
  "two workers on one campaign (needs DATABASE_URL; skipped on embedded PGlite)",
  () => {
    if (process.env.DATABASE_URL) switchToOwnDatabase("switchboard_two_workers");

    it(`send a ${RECIPIENTS}-recipient campaign together: every recipient once, both workers sent some`, async () => {
      const { orgId, key, sink } = await orgSendingToSink();
      const t = await call(templates.POST, {
        method: "POST",
        key,
        body: {
          channel: "email",
          name: "News",
          subject: "Hi {{name}}",
          text: "Hello",
          category: "marketing",
        },
      });
      const { listId } = await makeAudience(orgId, RECIPIENTS);
      const c = await call(campaignsRoute.POST, {
        method: "POST",
        key,
        body: { name: "Shared", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
      });
      const workers = [startWorker(), startWorker()];
      expect((await call(launch.POST, { method: "POST", key, params: { id: c.json.id } })).status).toBe(200);

      const deadline = Date.now() + 180_000;
      let campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      while (campaign.status !== "completed" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        campaign = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      }
      for (const w of workers) w.kill("SIGTERM");

      const db = await getDb();
      const lanes = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(jobs)
        .where(
          and(
            eq(jobs.functionId, "campaigns-dispatch"),
            sql`${jobs.event}->'data'->>'campaignId' = ${c.json.id}`,
          ),
        );
      const byInstance = await db
        .select({ instance: sql<string>`${messageEvents.data}->>'instance'`, n: sql<number>`count(*)::int` })
        .from(messageEvents)
        .innerJoin(messages, eq(messages.id, messageEvents.messageId))
        .where(and(eq(messages.campaignId, c.json.id), eq(messageEvents.type, "sent")))
        .groupBy(sql`1`);
      const perRecipient = new Map<string, number>();
      for (const r of sink.received)
        for (const to of r.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      console.log(
        `two workers: ${sink.received.length} emails, lanes=${lanes[0]?.n}, sent per instance ${JSON.stringify(byInstance)}`,
      );
      expect(campaign.status).toBe("completed");
      expect(perRecipient.size).toBe(RECIPIENTS);
      expect(Math.max(...perRecipient.values())).toBe(1);
      expect(campaign.stats.sent).toBe(RECIPIENTS);
      // Both processes sent part of it, and the parts add up to the whole.
      const pids = new Set(workers.map((w) => String(w.pid)));
      expect(byInstance).toHaveLength(2);
      expect(byInstance.every((r) => pids.has(r.instance.split(":").pop() as string) && r.n > 0)).toBe(true);
      expect(byInstance.reduce((a, r) => a + r.n, 0)).toBe(RECIPIENTS);
      await sink.close();
    }, 300_000);
  },
);
