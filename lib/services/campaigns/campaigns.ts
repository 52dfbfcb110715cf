import { and, eq, inArray } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type Campaign, campaignHoldouts, campaigns, lists, messages } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { emit } from "@/lib/jobs/emit";
import { keyset, toPage } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import { dispatchEvents } from "@/lib/services/campaigns/lanes";
import type { Ctx } from "@/lib/services/context";
import { quietWindowOf } from "@/lib/services/messages/send";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { listProviderRows } from "@/lib/services/providers/providers";
import { countSegments } from "@/lib/services/sms/segments";
import { getTemplateInOrg } from "@/lib/services/templates/templates";
import type { AudiencePreview, CampaignCreate, CampaignUpdate } from "@/lib/validation/campaigns";
import { abDecideEvent, checkVariantTemplates, toAbTest } from "./ab";
import { countAudience, streamAudience } from "./audience";
import { recipientSchedule } from "./freeze";
import { campaignStats } from "./stats";

export async function getCampaignInOrg(db: Executor, ctx: Ctx, id: string): Promise<Campaign> {
  const [c] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.orgId, ctx.orgId)));
  if (!c) throw AppError.notFound("Campaign");
  return c;
}

export async function checkTemplate(
  db: Executor,
  ctx: Ctx,
  templateId: string,
  channel: "email" | "sms",
  field = "template_id",
) {
  try {
    const t = await getTemplateInOrg(db, ctx, templateId);
    if (t.channel !== channel) throw AppError.validation([{ field, message: `is a ${t.channel} template` }]);
    return t;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found")
      throw AppError.validation([{ field, message: "not found" }]);
    throw e;
  }
}

export async function checkLists(db: Executor, ctx: Ctx, listIds: string[]) {
  if (!listIds.length) return;
  const found = await db
    .select({ id: lists.id })
    .from(lists)
    .where(and(eq(lists.orgId, ctx.orgId), inArray(lists.id, listIds)));
  const missing = listIds.filter((id) => !found.some((f) => f.id === id));
  if (missing.length)
    throw AppError.validation(
      missing.map((id) => ({ field: "audience.list_ids", message: `list ${id} not found` })),
    );
}

export async function createCampaign({ ctx, input }: { ctx: Ctx; input: CampaignCreate }): Promise<Campaign> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const variants = input.variants ?? null;
  const templateId = input.template_id ?? (variants?.[0]?.template_id as string);
  return db.transaction(async (tx) => {
    await checkTemplate(tx, ctx, templateId, input.channel);
    if (variants) await checkVariantTemplates(tx, ctx, input.channel, variants, checkTemplate);
    await checkLists(tx, ctx, input.audience.list_ids);
    const [c] = await tx
      .insert(campaigns)
      .values({
        orgId: ctx.orgId,
        name: input.name,
        channel: input.channel,
        templateId,
        category: input.category,
        audience: input.audience,
        sendAt: input.send_at ? new Date(input.send_at) : null,
        localTime: input.local_time,
        throttlePerMinute: input.throttle_per_minute ?? null,
        variants,
        abTest: variants && input.ab_test ? toAbTest(input.ab_test) : null,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!c) throw new AppError("internal_error", "campaign could not be created");
    await recordAudit(tx, ctx, {
      action: "campaign.created",
      resourceType: "campaign",
      resourceId: c.id,
      changes: { name: c.name, channel: c.channel, ...(variants ? { variants: variants.length } : {}) },
    });
    return c;
  });
}

/** Copies a campaign's content, audience and schedule settings into a new draft named "Copy of …". */
export async function duplicateCampaign({ ctx, id }: { ctx: Ctx; id: string }): Promise<Campaign> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const source = await getCampaignInOrg(tx, ctx, id);
    const [c] = await tx
      .insert(campaigns)
      .values({
        orgId: ctx.orgId,
        name: `Copy of ${source.name}`.slice(0, 200),
        channel: source.channel,
        templateId: source.templateId,
        category: source.category,
        audience: source.audience,
        // A past send time would launch at once; the copy starts unscheduled unless the time is still ahead.
        sendAt: source.sendAt && source.sendAt > new Date() ? source.sendAt : null,
        localTime: source.localTime && Boolean(source.sendAt && source.sendAt > new Date()),
        throttlePerMinute: source.throttlePerMinute,
        variants: source.variants,
        abTest: source.abTest,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!c) throw new AppError("internal_error", "campaign could not be copied");
    await recordAudit(tx, ctx, {
      action: "campaign.duplicated",
      resourceType: "campaign",
      resourceId: c.id,
      changes: { from: source.id, name: c.name },
    });
    return c;
  });
}

export async function updateCampaign({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: CampaignUpdate;
}): Promise<Campaign> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getCampaignInOrg(tx, ctx, id);
    if (before.status !== "draft")
      throw new AppError("not_editable", `A ${before.status} campaign cannot be edited`, undefined, 409);
    if (input.template_id) await checkTemplate(tx, ctx, input.template_id, before.channel);
    if (input.variants) await checkVariantTemplates(tx, ctx, before.channel, input.variants, checkTemplate);
    if (input.audience) await checkLists(tx, ctx, input.audience.list_ids);
    const variants = input.variants === undefined ? before.variants : input.variants;
    const abTest =
      input.ab_test === undefined ? before.abTest : input.ab_test ? toAbTest(input.ab_test) : null;
    if (variants && !abTest)
      throw AppError.validation([{ field: "ab_test", message: "is required with variants" }]);
    if (abTest && !variants)
      throw AppError.validation([{ field: "variants", message: "is required with ab_test" }]);
    const [c] = await tx
      .update(campaigns)
      .set({
        name: input.name ?? before.name,
        templateId: input.template_id ?? before.templateId,
        category: input.category ?? before.category,
        audience: input.audience ?? before.audience,
        sendAt: input.send_at === undefined ? before.sendAt : input.send_at ? new Date(input.send_at) : null,
        localTime: input.local_time ?? before.localTime,
        throttlePerMinute:
          input.throttle_per_minute === undefined ? before.throttlePerMinute : input.throttle_per_minute,
        variants,
        abTest,
      })
      .where(eq(campaigns.id, id))
      .returning();
    if (!c) throw AppError.notFound("Campaign");
    await recordAudit(tx, ctx, {
      action: "campaign.updated",
      resourceType: "campaign",
      resourceId: id,
      changes: { ...input },
    });
    return c;
  });
}

export async function deleteCampaign({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const c = await getCampaignInOrg(tx, ctx, id);
    if (c.status !== "draft")
      throw new AppError(
        "not_deletable",
        "Only a draft campaign can be deleted; cancel it instead",
        undefined,
        409,
      );
    await tx.delete(campaigns).where(eq(campaigns.id, id));
    await recordAudit(tx, ctx, {
      action: "campaign.deleted",
      resourceType: "campaign",
      resourceId: id,
      changes: { name: c.name },
    });
  });
}

export async function listCampaigns({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string; status?: Campaign["status"][]; channel?: "email" | "sms" };
}) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const page = keyset(campaigns.createdAt, campaigns.id, input.cursor);
  const rows = await db
    .select()
    .from(campaigns)
    .where(
      and(
        eq(campaigns.orgId, ctx.orgId),
        input.channel ? eq(campaigns.channel, input.channel) : undefined,
        input.status?.length ? inArray(campaigns.status, input.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(rows, input.limit);
  return {
    data: await Promise.all(p.data.map(async (c) => ({ campaign: c, stats: await campaignStats(db, c) }))),
    nextCursor: p.nextCursor,
  };
}

export async function getCampaign({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const c = await getCampaignInOrg(db, ctx, id);
  return { campaign: c, stats: await campaignStats(db, c) };
}

/** Audience size before launch, and for SMS the estimated cost from the template's length. */
export async function previewAudience({ ctx, input }: { ctx: Ctx; input: AudiencePreview }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  await checkLists(db, ctx, input.audience.list_ids);
  const count = await countAudience(db, ctx.orgId, input.channel, input.audience);
  const provider = (await listProviderRows(db, ctx.orgId, input.channel)).find((p) => p.enabled);
  let perMessage = provider?.costPerUnit ?? 0;
  let segments: number | null = null;
  let category = input.category ?? null;
  if (input.template_id) {
    const t = await checkTemplate(db, ctx, input.template_id, input.channel);
    category ??= t.category;
    if (input.channel === "sms") {
      segments = countSegments(t.body ?? "").segments;
      perMessage *= segments;
    }
  }
  return {
    count,
    segments_per_message: segments,
    estimated_cost: Number((count * perMessage).toFixed(6)),
    currency: provider?.currency ?? null,
    quiet_hours_deferred: category ? await countDeferred(db, ctx, input, category) : 0,
  };
}

/**
 * How many of the audience would wait for quiet hours to end, judged per recipient by
 * the same function the freeze uses (their zone, the organisation's window, send_at).
 */
async function countDeferred(db: Executor, ctx: Ctx, input: AudiencePreview, category: string) {
  if (input.channel !== "sms" || category !== "marketing") return 0;
  const org = await getOrganisation(db, ctx.orgId);
  const window = quietWindowOf(org);
  const now = new Date();
  const sendAt = input.send_at ? new Date(input.send_at) : null;
  const campaign = {
    channel: input.channel,
    category,
    sendAt,
    localTime: Boolean(input.local_time && sendAt),
  };
  let deferred = 0;
  for await (const page of streamAudience(db, ctx.orgId, "sms", input.audience, 2000)) {
    for (const c of page) {
      if (c.phone && recipientSchedule(campaign, c, c.phone, now, window).quietHours) deferred++;
    }
  }
  return deferred;
}

/** Launch: the audience is frozen by the campaigns-launch function, which then sends. */
export async function launchCampaign({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  const c = await db.transaction(async (tx) => {
    const before = await getCampaignInOrg(tx, ctx, id);
    if (before.status !== "draft")
      throw new AppError("not_launchable", `A ${before.status} campaign cannot be launched`, undefined, 409);
    if (!before.templateId) throw AppError.validation([{ field: "template_id", message: "is required" }]);
    const t = await checkTemplate(tx, ctx, before.templateId, before.channel);
    if (!t.active)
      throw new AppError(
        "template_inactive",
        "The campaign's template is not active",
        [{ field: "template_id", message: "is inactive" }],
        422,
      );
    if (before.variants?.length) {
      if (!before.abTest)
        throw AppError.validation([{ field: "ab_test", message: "is required with variants" }]);
      const ts = await checkVariantTemplates(tx, ctx, before.channel, before.variants, checkTemplate);
      const inactive = ts.findIndex((v) => !v.active);
      if (inactive >= 0)
        throw new AppError(
          "template_inactive",
          "A variant's template is not active",
          [{ field: `variants.${inactive}.template_id`, message: "is inactive" }],
          422,
        );
    }
    const [row] = await tx
      .update(campaigns)
      .set({ status: "running", launchedAt: new Date() })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, "draft")))
      .returning();
    if (!row) throw new AppError("not_launchable", "The campaign was launched already", undefined, 409);
    await recordAudit(tx, ctx, { action: "campaign.launched", resourceType: "campaign", resourceId: id });
    return row;
  });
  await emit([
    {
      name: "campaigns/campaign.launched",
      id: `campaign:${id}:launch`,
      data: { campaignId: id, orgId: ctx.orgId },
    },
    ...(c.variants?.length ? [abDecideEvent(c, "launch")] : []),
  ]);
  return c;
}

async function transition(
  ctx: Ctx,
  id: string,
  from: Campaign["status"][],
  to: Campaign["status"],
  action: string,
): Promise<Campaign> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getCampaignInOrg(tx, ctx, id);
    if (!from.includes(before.status))
      throw new AppError(
        "invalid_transition",
        `A ${before.status} campaign cannot be ${action}`,
        undefined,
        409,
      );
    const [row] = await tx
      .update(campaigns)
      .set({ status: to, pausedReason: null, ...(to === "cancelled" ? { completedAt: new Date() } : {}) })
      .where(and(eq(campaigns.id, id), inArray(campaigns.status, from)))
      .returning();
    if (!row)
      throw new AppError("invalid_transition", "The campaign changed meanwhile; try again", undefined, 409);
    if (to === "cancelled") {
      // Whatever has not been handed to a provider will not be.
      await tx
        .update(messages)
        .set({ status: "cancelled" })
        .where(and(eq(messages.campaignId, id), inArray(messages.status, ["queued", "scheduled"])));
      // Nobody still waiting for an A/B winner will get one.
      await tx.delete(campaignHoldouts).where(eq(campaignHoldouts.campaignId, id));
    }
    await recordAudit(tx, ctx, {
      action: `campaign.${action}`,
      resourceType: "campaign",
      resourceId: id,
      changes: { status: { from: before.status, to } },
    });
    return row;
  });
}

export const pauseCampaign = ({ ctx, id }: { ctx: Ctx; id: string }) =>
  transition(ctx, id, ["running", "scheduled"], "paused", "paused");

export async function resumeCampaign({ ctx, id }: { ctx: Ctx; id: string }) {
  const c = await transition(ctx, id, ["paused"], "running", "resumed");
  await emit(await dispatchEvents(id, `resume:${Date.now()}`));
  return c;
}

export const cancelCampaign = ({ ctx, id }: { ctx: Ctx; id: string }) =>
  transition(ctx, id, ["draft", "scheduled", "running", "paused"], "cancelled", "cancelled");
