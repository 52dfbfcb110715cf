import { randomUUID } from "node:crypto";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { budgetHeadroom } from "@/lib/services/budgets/headroom";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import type { Ctx } from "@/lib/services/context";
import { quietWindowOf, sendEmail, sendSms } from "@/lib/services/messages/send";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { listProviderRows } from "@/lib/services/providers/providers";
import { missingVariables, renderTemplate } from "@/lib/services/templates/render";
import type { CampaignDryRun, CampaignTestSend } from "@/lib/validation/campaigns";
import { streamAudience } from "./audience";
import { checkLists, checkTemplate } from "./campaigns";
import { buildRow, type CampaignShape, contactVariables } from "./freeze";

const MICRO = 1_000_000;

/**
 * What launching would do, recipient by recipient, without writing anything: each
 * contact's row is built by the same function launch uses (consent, variables,
 * length, schedule, quiet hours, price), and the outcomes are counted.
 */
export async function dryRunCampaign({ ctx, input }: { ctx: Ctx; input: CampaignDryRun }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  await checkLists(db, ctx, input.audience.list_ids);
  const template = await checkTemplate(db, ctx, input.template_id, input.channel);
  const org = await getOrganisation(db, ctx.orgId);
  const provider = (await listProviderRows(db, ctx.orgId, input.channel)).find((p) => p.enabled);
  const price = provider ? { cost: provider.costPerUnit, currency: provider.currency } : null;
  const campaign: CampaignShape = {
    id: randomUUID(),
    orgId: ctx.orgId,
    channel: input.channel,
    category: input.category ?? template.category,
    sendAt: input.send_at ? new Date(input.send_at) : null,
    localTime: Boolean(input.local_time && input.send_at),
  };
  const window = quietWindowOf(org);
  const now = new Date();
  let targeted = 0;
  let willReceive = 0;
  let deferred = 0;
  let scheduled = 0;
  let costMicros = 0;
  const skipped: Record<string, number> = {};
  const missing: Record<string, number> = {};
  for await (const page of streamAudience(db, ctx.orgId, input.channel, input.audience, 2000)) {
    const addresses = page.map((c) => (input.channel === "email" ? c.email : c.phone) as string);
    const consent = await consentChecker(db, ctx.orgId, input.channel, addresses);
    for (const contact of page) {
      targeted++;
      const { row, quietHours } = buildRow(
        org.name,
        campaign,
        template,
        contact,
        consent,
        price,
        now,
        window,
      );
      if (row.status === "rejected") {
        const [reason = "unknown", detail = ""] = (row.error ?? "").split(/:\s*/, 2);
        skipped[reason] = (skipped[reason] ?? 0) + 1;
        if (reason === "missing_variables") {
          for (const name of detail.split(/,\s*/).filter(Boolean)) missing[name] = (missing[name] ?? 0) + 1;
        }
        continue;
      }
      willReceive++;
      if (quietHours) deferred++;
      else if (row.scheduledAt) scheduled++;
      costMicros += Math.round((row.estimatedCost ?? 0) * MICRO);
    }
  }
  // What is left of each budget covering this send, and whether the estimate fits (hard stops only refuse marketing).
  const headroom = await budgetHeadroom({
    ctx,
    input: { channel: input.channel, category: campaign.category, estimatedCost: costMicros / MICRO },
    now,
  });
  return {
    targeted,
    will_receive: willReceive,
    skipped: targeted - willReceive,
    skipped_by_reason: skipped,
    missing_variables: missing,
    quiet_hours_deferred: deferred,
    scheduled,
    estimated_cost: costMicros / MICRO,
    currency: price?.currency ?? null,
    fits_budgets: headroom.fits,
    budgets: headroom.budgets,
  };
}

/**
 * Sends the campaign's template once to the caller's own address, rendered for the
 * first contact of the audience (so its variables look real), marked as a test.
 */
export async function sendCampaignTest({ ctx, input }: { ctx: Ctx; input: CampaignTestSend }) {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  await checkLists(db, ctx, input.audience?.list_ids ?? []);
  const template = await checkTemplate(db, ctx, input.template_id, input.channel);
  const org = await getOrganisation(db, ctx.orgId);
  let sample: Record<string, unknown> = { organisation: org.name, unsubscribe_url: "#unsubscribe-preview" };
  let sampleName: string | null = null;
  if (input.audience) {
    for await (const page of streamAudience(db, ctx.orgId, input.channel, input.audience, 1)) {
      const first = page[0];
      if (first) {
        sample = contactVariables(first, "#unsubscribe-preview", org.name);
        sampleName = first.name ?? first.email ?? first.phone;
      }
      break;
    }
  }
  const parts =
    input.channel === "email"
      ? { subject: template.subject, html: template.html, text: template.text }
      : { body: template.body };
  const gaps = missingVariables(parts, sample);
  const r = renderTemplate(parts, sample);
  const metadata = { campaign_test: true, sample_contact: sampleName };
  const message =
    input.channel === "email"
      ? await sendEmail({
          ctx,
          input: {
            to: input.to,
            subject: `[Test] ${r.subject ?? ""}`,
            ...(r.html ? { html: r.html } : {}),
            ...(r.text ? { text: r.text } : {}),
            category: "transactional",
            metadata,
          },
        })
      : await sendSms({
          ctx,
          input: { to: input.to, message: r.body ?? "", category: "transactional", metadata },
        });
  if (!message) throw new AppError("internal_error", "The test message could not be stored");
  return { message, sample_contact: sampleName, missing_variables: gaps };
}
