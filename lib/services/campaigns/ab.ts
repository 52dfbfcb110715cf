import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import {
  type AbTest,
  type Campaign,
  type CampaignVariant,
  type Contact,
  campaignHoldouts,
  campaigns,
  contacts,
  messages,
  type Template,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { emit } from "@/lib/jobs/emit";
import { rowsOf } from "@/lib/jobs/runner";
import { recordAudit } from "@/lib/services/audit/record";
import { dispatchEvents } from "@/lib/services/campaigns/lanes";
import type { Ctx } from "@/lib/services/context";
import type { AbTestInput, CampaignStats } from "@/lib/validation/campaigns";
import { audienceWhere } from "./audience";
import {
  buildRow,
  campaignTemplate,
  freezeAudience,
  freezeSetup,
  pageConsent,
  writeBuiltRows,
} from "./freeze";

type VariantStats = CampaignStats["variants"][number];

/** The A/B settings as stored: wait_minutes is null only for the manual metric. */
export function toAbTest(input: AbTestInput): AbTest {
  return {
    test_percent: input.test_percent,
    metric: input.metric,
    wait_minutes: input.wait_minutes ?? null,
  };
}

/** Recipients in the test group for an audience of `total`. */
export function testGroupSize(total: number, testPercent: number): number {
  return Math.round((total * testPercent) / 100);
}

/** When an A/B campaign's winner is chosen by its metric: wait_minutes after sending starts; null for manual. */
export function abDecideAt(c: Pick<Campaign, "abTest" | "launchedAt" | "sendAt">): Date | null {
  if (!c.abTest || c.abTest.metric === "manual" || !c.abTest.wait_minutes) return null;
  const launched = c.launchedAt?.getTime() ?? Date.now();
  const start = Math.max(launched, c.sendAt?.getTime() ?? 0);
  return new Date(start + c.abTest.wait_minutes * 60_000);
}

/** Recipients still waiting for the winner. */
export async function countWaiting(db: Executor, campaignId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(campaignHoldouts)
    .where(eq(campaignHoldouts.campaignId, campaignId));
  return row?.n ?? 0;
}

/**
 * For the campaign dispatcher: while an A/B campaign has recipients waiting for
 * the winner it is not complete; answers when to look again (the rollout also
 * starts a dispatch of its own), or null when nothing waits.
 */
export async function abPendingUntil(c: Campaign): Promise<string | null> {
  if (!c.variants?.length) return null;
  const db = await getDb();
  const [held] = await db
    .select({ one: sql<number>`1` })
    .from(campaignHoldouts)
    .where(eq(campaignHoldouts.campaignId, c.id))
    .limit(1);
  if (!held) return null;
  const soon = Date.now() + 5_000;
  const decideAt = abDecideAt(c)?.getTime() ?? Date.now() + 3_600_000;
  return new Date(c.winner ? soon : Math.max(decideAt, soon)).toISOString();
}

/** Each variant's template must be a template of the campaign's channel in the organisation. */
export async function checkVariantTemplates(
  db: Executor,
  ctx: Ctx,
  channel: "email" | "sms",
  variants: CampaignVariant[],
  check: (db: Executor, ctx: Ctx, id: string, channel: "email" | "sms", field: string) => Promise<Template>,
): Promise<Template[]> {
  const found: Template[] = [];
  for (const [i, v] of variants.entries())
    found.push(await check(db, ctx, v.template_id, channel, `variants.${i}.template_id`));
  return found;
}

interface HoldoutPage {
  rank: number;
  contact: Contact | null;
  contactId: string;
}

/**
 * Turns holdout rows (up to `maxRank`, in rank order) into message rows, a page
 * at a time: each page's messages, their events and the deletion of its holdouts
 * commit together, and the unique (campaign, contact) constraint skips anybody
 * who has a message already — so a retry after a crash, or a second rollout,
 * adds nobody twice and loses nobody.
 */
async function materializeHoldouts(
  campaign: Campaign,
  variantOf: (rank: number) => { name: string; template: Template },
  maxRank: number | null,
  pageSize = 2000,
): Promise<number> {
  const db = await getDb();
  const setup = await freezeSetup(db, campaign);
  const reachable = audienceWhere(campaign.orgId, campaign.channel, { list_ids: [], filter: null });
  let created = 0;
  for (;;) {
    const page: HoldoutPage[] = await db
      .select({ rank: campaignHoldouts.rank, contactId: campaignHoldouts.contactId, contact: contacts })
      .from(campaignHoldouts)
      .leftJoin(contacts, and(eq(contacts.id, campaignHoldouts.contactId), reachable))
      .where(
        and(
          eq(campaignHoldouts.campaignId, campaign.id),
          maxRank === null ? undefined : lte(campaignHoldouts.rank, maxRank),
        ),
      )
      .orderBy(asc(campaignHoldouts.rank))
      .limit(pageSize);
    if (page.length === 0) return created;
    const live = page.filter((p): p is HoldoutPage & { contact: Contact } => p.contact !== null);
    const consent = await pageConsent(
      db,
      campaign,
      live.map((p) => p.contact),
    );
    const built = live.map((p) => {
      const v = variantOf(p.rank);
      const b = buildRow(
        setup.organisation,
        campaign,
        v.template,
        p.contact,
        consent,
        setup.price,
        setup.now,
        setup.window,
      );
      return { ...b, row: { ...b.row, variant: v.name } };
    });
    await db.transaction(async (tx) => {
      await writeBuiltRows(tx, campaign, built);
      await tx.delete(campaignHoldouts).where(
        and(
          eq(campaignHoldouts.campaignId, campaign.id),
          inArray(
            campaignHoldouts.contactId,
            page.map((p) => p.contactId),
          ),
        ),
      );
    });
    created += built.length;
  }
}

async function variantTemplates(db: Executor, c: Campaign): Promise<Map<string, Template>> {
  const out = new Map<string, Template>();
  for (const v of c.variants ?? []) out.set(v.name, await campaignTemplate(db, v.template_id));
  return out;
}

/**
 * Launch of an A/B campaign: the whole audience is ranked by a hash of
 * (campaign, contact) and recorded as holdouts in one statement; the first
 * test_percent % by rank get messages, assigned to the variants round-robin;
 * the rest stay recorded until the winner is sent to them.
 */
async function freezeAbTest(campaign: Campaign): Promise<{ targeted: number }> {
  const db = await getDb();
  const variants = campaign.variants ?? [];
  const abTest = campaign.abTest;
  if (!abTest || variants.length < 2)
    throw new AppError("ab_invalid", "The A/B test is incomplete", undefined, 422);
  const templates = await variantTemplates(db, campaign);
  const targeted = await db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ targeted: campaigns.targeted })
      .from(campaigns)
      .where(eq(campaigns.id, campaign.id))
      .for("update");
    const [started] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        select (exists (select 1 from ${campaignHoldouts} where ${campaignHoldouts.campaignId} = ${campaign.id})
          or exists (select 1 from ${messages} where ${messages.campaignId} = ${campaign.id}))::int as n`),
    );
    // A retry after the split keeps the split made first.
    if (started?.n) return locked?.targeted ?? 0;
    const inserted = rowsOf<{ n: number }>(
      await tx.execute(sql`
        with ranked as (
          insert into ${campaignHoldouts} (campaign_id, contact_id, org_id, rank)
          select ${campaign.id}::uuid, ${contacts.id}, ${contacts.orgId},
            row_number() over (order by md5(${campaign.id}::text || ${contacts.id}::text), ${contacts.id})
          from ${contacts}
          where ${audienceWhere(campaign.orgId, campaign.channel, campaign.audience)}
          on conflict do nothing
          returning 1
        )
        select count(*)::int as n from ranked`),
    );
    const total = inserted[0]?.n ?? 0;
    await tx.update(campaigns).set({ targeted: total }).where(eq(campaigns.id, campaign.id));
    return total;
  });
  const testSize = testGroupSize(targeted, abTest.test_percent);
  await materializeHoldouts(
    campaign,
    (rank) => {
      const v = variants[(rank - 1) % variants.length] as CampaignVariant;
      return { name: v.name, template: templates.get(v.name) as Template };
    },
    testSize,
  );
  return { targeted };
}

/** Launch's freeze: the A/B split for a campaign with variants, otherwise the whole audience. */
export async function freezeCampaign(campaignId: string): Promise<{ targeted: number }> {
  const db = await getDb();
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) throw AppError.notFound("Campaign");
  return campaign.variants?.length ? freezeAbTest(campaign) : freezeAudience(campaignId);
}

/** Per-variant counters in one grouped statement, in the campaign's variant order. */
export async function variantStats(db: Executor, c: Campaign): Promise<VariantStats[]> {
  if (!c.variants?.length) return [];
  const rows = rowsOf<VariantStats>(
    await db.execute(sql`
      select m.variant as name,
        count(*)::int as targeted,
        count(*) filter (where m.status in ('sent', 'delivered'))::int as sent,
        count(*) filter (where m.status = 'delivered')::int as delivered,
        count(*) filter (where exists (
          select 1 from message_events e where e.message_id = m.id and e.type = 'opened'))::int as opened,
        count(*) filter (where exists (
          select 1 from message_events e where e.message_id = m.id and e.type = 'clicked'))::int as clicked
      from ${messages} m
      where m.campaign_id = ${c.id} and m.variant is not null
      group by m.variant`),
  );
  return c.variants.map(
    (v) =>
      rows.find((r) => r.name === v.name) ?? {
        name: v.name,
        targeted: 0,
        sent: 0,
        delivered: 0,
        opened: 0,
        clicked: 0,
      },
  );
}

/** The best variant by the metric's rate over sent; ties go to the earlier variant. */
export function bestVariant(variants: CampaignVariant[], stats: VariantStats[], metric: AbTest["metric"]) {
  const count = (s: VariantStats) =>
    metric === "opens" ? s.opened : metric === "clicks" ? s.clicked : s.delivered;
  let best: { name: string; rate: number } | null = null;
  for (const v of variants) {
    const s = stats.find((x) => x.name === v.name);
    const rate = s && s.sent > 0 ? count(s) / s.sent : 0;
    if (!best || rate > best.rate) best = { name: v.name, rate };
  }
  return best?.name ?? null;
}

/**
 * Chooses the winner by the metric once (a decided campaign keeps its winner);
 * answers the winner, or null while a manual test waits for a pick.
 */
export async function decideWinner(campaignId: string): Promise<string | null> {
  const db = await getDb();
  const [c] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c?.variants?.length || !c.abTest) return null;
  if (c.winner) return c.winner;
  if (c.abTest.metric === "manual" || c.status === "cancelled") return null;
  const name = bestVariant(c.variants, await variantStats(db, c), c.abTest.metric);
  if (!name) return null;
  const [set] = await db
    .update(campaigns)
    .set({ winner: name })
    .where(and(eq(campaigns.id, campaignId), isNull(campaigns.winner)))
    .returning({ winner: campaigns.winner });
  if (set) return set.winner;
  const [again] = await db
    .select({ winner: campaigns.winner })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  return again?.winner ?? null;
}

/**
 * Sends the winner to everyone still waiting: the holdouts become messages
 * rendered with the winner's template, then a dispatch run sends them.
 * Idempotent: a second call finds nobody waiting and creates nothing.
 */
export async function rolloutWinner(campaignId: string): Promise<{ created: number }> {
  const db = await getDb();
  const [c] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c?.winner || c.status === "cancelled" || c.status === "draft") return { created: 0 };
  const winner = c.variants?.find((v) => v.name === c.winner);
  if (!winner) return { created: 0 };
  const template = await campaignTemplate(db, winner.template_id);
  const created = await materializeHoldouts(c, () => ({ name: winner.name, template }), null);
  if (c.status === "running") await emit(await dispatchEvents(c.id, "rollout"));
  return { created };
}

/** The job that decides an A/B campaign and rolls the winner out; emitted at launch and on a pick. */
export function abDecideEvent(c: Pick<Campaign, "id" | "orgId">, reason: "launch" | "pick") {
  return {
    name: "campaigns/ab.decide" as const,
    id: `campaign:${c.id}:ab:${reason}`,
    data: { campaignId: c.id, orgId: c.orgId },
  };
}

/** When the decide job should wake: null when it need not wait (decided already, or manual). */
export async function abWaitUntil(campaignId: string): Promise<string | null> {
  const db = await getDb();
  const [c] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c || c.winner) return null;
  return abDecideAt(c)?.toISOString() ?? null;
}

/** POST /campaigns/{id}/pick-winner: decides at once (before or after the wait), then rolls out. */
export async function pickWinner({ ctx, id, variant }: { ctx: Ctx; id: string; variant: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const c = await db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.id, id), eq(campaigns.orgId, ctx.orgId)))
      .for("update");
    if (!before) throw AppError.notFound("Campaign");
    if (!before.variants?.length)
      throw new AppError("not_ab_test", "This campaign is not an A/B test", undefined, 409);
    if (before.winner)
      throw new AppError("winner_decided", `The winner is ${before.winner} already`, undefined, 409);
    if (before.status === "draft" || before.status === "cancelled")
      throw new AppError("not_launched", `A ${before.status} campaign has no test to decide`, undefined, 409);
    if (!before.variants.some((v) => v.name === variant))
      throw new AppError(
        "unknown_variant",
        "No variant has that name",
        [{ field: "variant", message: `must be one of ${before.variants.map((v) => v.name).join(", ")}` }],
        422,
      );
    const [row] = await tx.update(campaigns).set({ winner: variant }).where(eq(campaigns.id, id)).returning();
    await recordAudit(tx, ctx, {
      action: "campaign.winner_picked",
      resourceType: "campaign",
      resourceId: id,
      changes: { winner: variant },
    });
    return row as Campaign;
  });
  await emit([abDecideEvent(c, "pick")]);
  return c;
}
