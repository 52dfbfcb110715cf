import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb, type Tx } from "@/lib/db";
import { type Message, messages, type Template } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { emitWithin } from "@/lib/jobs/emit";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import { contactTimeZonesByPhone } from "@/lib/services/contacts/time-zones";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { listProviderRows } from "@/lib/services/providers/providers";
import { normalizePhone } from "@/lib/services/sms/phone";
import { getTemplateInOrg } from "@/lib/services/templates/templates";
import type { EmailBulk, EmailSend, SmsBulk, SmsSend } from "@/lib/validation/messages";
import { toMessageJson } from "@/lib/validation/messages";
import { emailSchema } from "@/lib/validation/users";
import { type Consent, composeMessage, type QuietHoursContext, quietWindowOf } from "./compose";
import { messageRequested } from "./dispatch";
import { addMessageEvent, addMessageEvents } from "./events";
import { requestHash, withIdempotency } from "./idempotency";

type NewMessage = typeof messages.$inferInsert;

async function activeTemplate(
  tx: Executor,
  ctx: Ctx,
  id: string,
  channel: "email" | "sms",
): Promise<Template> {
  let t: Template;
  try {
    t = await getTemplateInOrg(tx, ctx, id);
  } catch {
    throw new AppError(
      "template_not_found",
      "template_id does not name a template of this organisation",
      [{ field: "template_id", message: "not found" }],
      422,
    );
  }
  if (t.channel !== channel) {
    throw new AppError(
      "template_channel_mismatch",
      `template_id names an ${t.channel} template`,
      [{ field: "template_id", message: `is a ${t.channel} template` }],
      422,
    );
  }
  if (!t.active) {
    throw new AppError(
      "template_inactive",
      "The template is not active",
      [{ field: "template_id", message: "is inactive" }],
      422,
    );
  }
  return t;
}

/** The first provider a message of the channel would go to, for cost estimates. */
async function firstProvider(tx: Executor, orgId: string, channel: "email" | "sms") {
  return (await listProviderRows(tx, orgId, channel)).find((p) => p.enabled) ?? null;
}

function when(sendAt: string | undefined, now: Date): Date | null {
  if (!sendAt) return null;
  const d = new Date(sendAt);
  return d.getTime() > now.getTime() ? d : null;
}

export { type QuietHoursContext, quietHoursDeferral, quietWindowOf } from "./compose";

interface Prepared {
  row: NewMessage;
  /** Why the message waits for the recipient's morning, recorded on its first event. */
  quietHours?: Record<string, unknown>;
}

async function insertMessages(tx: Tx, prepared: Prepared[]): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < prepared.length; i += 500)
    out.push(
      ...(await tx
        .insert(messages)
        .values(prepared.slice(i, i + 500).map((p) => p.row))
        .returning()),
    );
  // Their first events in one multi-row statement (and the outbox rows in one more).
  await addMessageEvents(
    tx,
    out.map((m, i) => {
      const quietHours = prepared[i]?.quietHours;
      return {
        orgId: m.orgId,
        messageId: m.id,
        type: m.status,
        data: m.scheduledAt
          ? { scheduled_at: m.scheduledAt.toISOString(), ...(quietHours ? { quiet_hours: quietHours } : {}) }
          : null,
      };
    }),
  );
  return out;
}

/**
 * Asks for the stored messages to be delivered, inside the transaction that
 * stored them (embedded mode: their jobs commit with them). Answers what to do
 * after the commit (wake the runner, or send the events to Inngest).
 */
function requestDelivery(
  tx: Tx,
  stored: { id: string; orgId: string; scheduledAt: Date | null }[],
): Promise<() => Promise<void>> {
  return emitWithin(
    tx,
    stored.map((m) => messageRequested({ id: m.id, orgId: m.orgId, scheduledAt: m.scheduledAt })),
  );
}

/**
 * Stores the prepared messages (with their first events) and their delivery
 * jobs together: the jobs do not depend on the rows, so both go at once
 * (pipelined on one connection on Postgres) in the caller's transaction.
 */
async function storeAndRequest(
  tx: Tx,
  prepared: Prepared[],
): Promise<{ stored: Message[]; afterCommit: () => Promise<void> }> {
  const [stored, afterCommit] = await Promise.all([
    insertMessages(tx, prepared),
    requestDelivery(
      tx,
      prepared.map(({ row }) => ({
        id: row.id as string,
        orgId: row.orgId,
        scheduledAt: row.scheduledAt ?? null,
      })),
    ),
  ]);
  return { stored, afterCommit };
}

/** One email of a send or a bulk send, through the message composer. */
function prepareEmail(
  ctx: Ctx,
  input: Omit<EmailSend, "to"> & { to: string },
  template: Template | null,
  price: { cost: number; currency: string } | null,
  now: Date,
  consent: Consent,
  field = "to",
): Prepared {
  const composed = composeMessage({
    id: randomUUID(),
    orgId: ctx.orgId,
    channel: "email",
    to: input.to,
    cc: input.cc ?? null,
    bcc: input.bcc ?? null,
    category: input.category ?? template?.category ?? "transactional",
    template,
    inline: { subject: input.subject, html: input.html, text: input.text },
    variables: input.variables,
    consent,
    price,
    at: when(input.send_at, now),
    now,
    fields: { to: field },
  });
  return {
    quietHours: composed.quietHours,
    row: {
      ...composed.row,
      variables: template ? (input.variables ?? {}) : null,
      attachments: input.attachments ?? null,
      metadata: input.metadata ?? null,
    },
  };
}

/** One SMS of a send or a bulk send, through the message composer (the number normalised first). */
function prepareSms(
  ctx: Ctx,
  input: Omit<SmsSend, "to"> & { to: string },
  template: Template | null,
  price: { cost: number; currency: string } | null,
  region: string,
  now: Date,
  consent: Consent,
  quiet: (to: string) => QuietHoursContext,
  field = "to",
): Prepared {
  const to = normalizePhone(input.to, region, field);
  const composed = composeMessage({
    id: randomUUID(),
    orgId: ctx.orgId,
    channel: "sms",
    to,
    category: input.category ?? template?.category ?? "transactional",
    template,
    inline: { body: input.message },
    variables: input.variables,
    consent,
    price,
    at: when(input.send_at, now),
    now,
    quiet: quiet(to),
    fields: { to: field },
  });
  return {
    quietHours: composed.quietHours,
    row: {
      ...composed.row,
      variables: template ? (input.variables ?? {}) : null,
      mediaUrls: input.media_urls ?? null,
      metadata: input.metadata ?? null,
    },
  };
}

/**
 * The recipients' contact time zones, which only quiet hours use — so only for
 * marketing SMS (category unset means transactional); an empty map otherwise.
 */
async function recipientTimeZones(
  tx: Executor,
  orgId: string,
  phones: string[],
  category: string | undefined,
): Promise<Map<string, string>> {
  return category === "marketing" ? contactTimeZonesByPhone(tx, orgId, phones) : new Map();
}

async function priceOf(tx: Executor, ctx: Ctx, channel: "email" | "sms") {
  const p = await firstProvider(tx, ctx.orgId, channel);
  return p ? { cost: p.costPerUnit, currency: p.currency } : null;
}

/** Accepts one email for sending (now or at send_at); answers the queued message. */
export async function sendEmail({
  ctx,
  input,
  idempotencyKey,
  resentFrom,
}: {
  ctx: Ctx;
  input: EmailSend;
  idempotencyKey?: string | null;
  /** The failed message this one resends (lib/services/messages/resend.ts). */
  resentFrom?: string;
}) {
  requirePermission(ctx, "messages:send");
  const now = new Date();
  let afterCommit = async () => {};
  const { result, replayed } = await withIdempotency(
    ctx,
    idempotencyKey,
    requestHash("email.send", input),
    async (tx) => {
      // Independent reads go together (pipelined on one connection on Postgres).
      const [template, consent, price] = await Promise.all([
        input.template_id ? activeTemplate(tx, ctx, input.template_id, "email") : null,
        consentChecker(tx, ctx.orgId, "email", [input.to, ...(input.cc ?? []), ...(input.bcc ?? [])]),
        priceOf(tx, ctx, "email"),
      ]);
      const prepared = prepareEmail(ctx, input, template, price, now, consent);
      if (resentFrom) prepared.row.resentFrom = resentFrom;
      const { stored, afterCommit: after } = await storeAndRequest(tx, [prepared]);
      const [m] = stored;
      if (!m) throw new AppError("internal_error", "message could not be stored");
      afterCommit = after;
      return toMessageJson(m);
    },
  );
  if (!replayed) await afterCommit();
  return result;
}

/** Accepts one SMS for sending; the number is normalised to E.164 and segments are counted. */
export async function sendSms({
  ctx,
  input,
  idempotencyKey,
  resentFrom,
}: {
  ctx: Ctx;
  input: SmsSend;
  idempotencyKey?: string | null;
  /** The failed message this one resends (lib/services/messages/resend.ts). */
  resentFrom?: string;
}) {
  requirePermission(ctx, "messages:send");
  const now = new Date();
  let afterCommit = async () => {};
  const { result, replayed } = await withIdempotency(
    ctx,
    idempotencyKey,
    requestHash("sms.send", input),
    async (tx) => {
      // Independent reads go together (pipelined on one connection on Postgres).
      const [org, template, price] = await Promise.all([
        getOrganisation(tx, ctx.orgId),
        input.template_id ? activeTemplate(tx, ctx, input.template_id, "sms") : null,
        priceOf(tx, ctx, "sms"),
      ]);
      const to = normalizePhone(input.to, org.defaultRegion, "to");
      const [consent, zones] = await Promise.all([
        consentChecker(tx, ctx.orgId, "sms", [to]),
        recipientTimeZones(tx, ctx.orgId, [to], input.category ?? template?.category),
      ]);
      const window = quietWindowOf(org);
      const prepared = prepareSms(ctx, input, template, price, org.defaultRegion, now, consent, (n) => ({
        contactTimeZone: zones.get(n),
        window,
      }));
      if (resentFrom) prepared.row.resentFrom = resentFrom;
      const { stored, afterCommit: after } = await storeAndRequest(tx, [prepared]);
      const [m] = stored;
      if (!m) throw new AppError("internal_error", "message could not be stored");
      afterCommit = after;
      return toMessageJson(m);
    },
  );
  if (!replayed) await afterCommit();
  return result;
}

function reasonOf(e: unknown): string {
  if (e instanceof AppError) {
    const fields = Array.isArray(e.details) ? (e.details as { field: string; message: string }[]) : [];
    return fields.length
      ? `${e.code}: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`
      : `${e.code}: ${e.message}`;
  }
  throw e;
}

interface BulkAnswer {
  batch_id: string;
  accepted: number;
  rejected: { index: number; reason: string }[];
  messages: { id: string; scheduled_at: string | null }[];
}

async function finishBulk(answer: BulkAnswer, replayed: boolean, afterCommit: () => Promise<void>) {
  if (!replayed) await afterCommit();
  return { batch_id: answer.batch_id, accepted: answer.accepted, rejected: answer.rejected };
}

/**
 * Prepares one message per recipient (a failing recipient is rejected with its
 * index and reason, the others go ahead) and stores the accepted ones as a batch.
 */
async function storeBatch(
  tx: Tx,
  count: number,
  prepare: (index: number) => Promise<Prepared>,
): Promise<{ answer: BulkAnswer; afterCommit: () => Promise<void> }> {
  const batchId = randomUUID();
  const rows: Prepared[] = [];
  const rejected: { index: number; reason: string }[] = [];
  for (let index = 0; index < count; index++) {
    try {
      const p = await prepare(index);
      rows.push({ ...p, row: { ...p.row, batchId } });
    } catch (e) {
      rejected.push({ index, reason: reasonOf(e) });
    }
  }
  const { stored: created, afterCommit } = await storeAndRequest(tx, rows);
  return {
    answer: {
      batch_id: batchId,
      accepted: created.length,
      rejected,
      messages: created.map((m) => ({ id: m.id, scheduled_at: m.scheduledAt?.toISOString() ?? null })),
    },
    afterCommit,
  };
}

/** Accepts an email per recipient, each rendered with its own variables; bad recipients are rejected by index. */
export async function sendEmailBulk({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: EmailBulk;
  idempotencyKey?: string | null;
}) {
  requirePermission(ctx, "messages:send");
  const now = new Date();
  let afterCommit = async () => {};
  const { result, replayed } = await withIdempotency(
    ctx,
    idempotencyKey,
    requestHash("email.send-bulk", input),
    async (tx) => {
      const addresses = input.recipients.map((r) => emailSchema.safeParse(r.email));
      const [template, price, consent] = await Promise.all([
        input.template_id ? activeTemplate(tx, ctx, input.template_id, "email") : null,
        priceOf(tx, ctx, "email"),
        consentChecker(
          tx,
          ctx.orgId,
          "email",
          addresses.flatMap((a) => (a.success ? [a.data] : [])),
        ),
      ]);
      const stored = await storeBatch(tx, input.recipients.length, async (index) => {
        const r = input.recipients[index];
        const parsed = addresses[index];
        if (!r || !parsed?.success) {
          throw new AppError("invalid_email", "email must be an email address", [
            { field: `recipients.${index}.email`, message: "must be an email address" },
          ]);
        }
        const variables = { name: r.name, email: parsed.data, ...(r.variables ?? {}) };
        return prepareEmail(
          ctx,
          { ...input, to: parsed.data, variables },
          template,
          price,
          now,
          consent,
          `recipients.${index}.email`,
        );
      });
      afterCommit = stored.afterCommit;
      return stored.answer;
    },
  );
  return finishBulk(result, replayed, afterCommit);
}

/** Accepts an SMS per recipient; invalid numbers and missing variables are rejected by index. */
export async function sendSmsBulk({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: SmsBulk;
  idempotencyKey?: string | null;
}) {
  requirePermission(ctx, "messages:send");
  const now = new Date();
  let afterCommit = async () => {};
  const { result, replayed } = await withIdempotency(
    ctx,
    idempotencyKey,
    requestHash("sms.send-bulk", input),
    async (tx) => {
      const [org, template, price] = await Promise.all([
        getOrganisation(tx, ctx.orgId),
        input.template_id ? activeTemplate(tx, ctx, input.template_id, "sms") : null,
        priceOf(tx, ctx, "sms"),
      ]);
      const phones = input.recipients.flatMap((r) => {
        try {
          return [normalizePhone(r.to, org.defaultRegion)];
        } catch {
          return [];
        }
      });
      const [consent, zones] = await Promise.all([
        consentChecker(tx, ctx.orgId, "sms", phones),
        recipientTimeZones(tx, ctx.orgId, phones, input.category ?? template?.category),
      ]);
      const window = quietWindowOf(org);
      const stored = await storeBatch(tx, input.recipients.length, async (index) => {
        const r = input.recipients[index];
        if (!r) throw new AppError("invalid_recipient", "missing recipient");
        const variables = { name: r.name, phone: r.to, ...(r.variables ?? {}) };
        return prepareSms(
          ctx,
          { ...input, to: r.to, variables },
          template,
          price,
          org.defaultRegion,
          now,
          consent,
          (n) => ({ contactTimeZone: zones.get(n), window }),
          `recipients.${index}.to`,
        );
      });
      afterCommit = stored.afterCommit;
      return stored.answer;
    },
  );
  return finishBulk(result, replayed, afterCommit);
}

/** Cancels a message that has not been handed to a provider yet. */
export async function cancelMessage({ ctx, id }: { ctx: Ctx; id: string }): Promise<Message> {
  requirePermission(ctx, "messages:send");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [m] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, id), eq(messages.orgId, ctx.orgId)));
    if (!m) throw AppError.notFound("Message");
    if (m.status !== "scheduled" && m.status !== "queued") {
      throw new AppError("not_cancellable", `A ${m.status} message cannot be cancelled`, undefined, 409);
    }
    const [row] = await tx
      .update(messages)
      .set({ status: "cancelled" })
      .where(eq(messages.id, id))
      .returning();
    await addMessageEvent(tx, ctx.orgId, id, "cancelled", { by: ctx.actor.label });
    if (!row) throw AppError.notFound("Message");
    return row;
  });
}
