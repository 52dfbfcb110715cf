import { and, eq, inArray, sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { type Executor, getDb } from "@/lib/db";
import { campaigns, type Message, messageAttempts, messages, type Provider } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { adapterFor } from "@/lib/providers/registry";
import {
  type AdapterContext,
  type EmailAdapter,
  type EmailMessage,
  ProviderError,
  type SendResult,
  type SmsAdapter,
  type SmsMessage,
} from "@/lib/providers/types";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import { acquireCircuit, recordCircuitFailure, recordCircuitSuccess } from "@/lib/services/providers/circuit";
import { listProviderRows, providerCredentials } from "@/lib/services/providers/providers";
import { releaseDailySend, reserveDailySend } from "@/lib/services/providers/usage";
import { statusCallbackFor } from "@/lib/services/webhooks/urls";
import { addMessageEvent } from "./events";

/** Thrown when no provider could take the message this time; the job retries with backoff. */
export class NoProviderAvailable extends Error {}

export type DeliveryOutcome =
  | { status: "sent"; providerId: string; providerMessageId: string | null }
  | { status: "failed"; error: string }
  | { status: "skipped"; reason: string };

/** Categories where a message interrupted mid-call is sent again rather than held (a late OTP is useless). */
const RESEND_INTERRUPTED = new Set(["otp", "transactional"]);

function messageIdHeader(m: Message, p: Provider): string {
  const domain = (p.sender.email ?? "switchboard.local").split("@")[1] ?? "switchboard.local";
  return `<${m.id}@${domain}>`;
}

export function buildEmail(m: Message, p: Provider): EmailMessage {
  return {
    id: m.id,
    messageIdHeader: messageIdHeader(m, p),
    from: { email: p.sender.email ?? "no-reply@switchboard.local", name: p.sender.name },
    to: [m.to],
    cc: m.cc ?? undefined,
    bcc: m.bcc ?? undefined,
    subject: m.subject ?? "",
    html: m.html ?? undefined,
    text: m.text ?? undefined,
    headers: m.headers ?? undefined,
    attachments: m.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.content_type,
      content: Buffer.from(a.content_base64, "base64"),
    })),
  };
}

export function buildSms(m: Message, p: Provider): SmsMessage {
  return {
    id: m.id,
    to: m.to,
    from: p.sender.phone ?? p.sender.sender_id,
    body: m.body ?? "",
    mediaUrls: m.mediaUrls ?? undefined,
    statusCallbackUrl: statusCallbackFor(p, config().appUrl),
  };
}

/** Calls one provider for one message; ProviderError on failure. */
export async function callProvider(p: Provider, m: Message): Promise<SendResult> {
  const adapter = adapterFor(p.type);
  const config = adapter.configSchema.safeParse(p.config);
  const credentials = adapter.credentialsSchema.safeParse(providerCredentials(p));
  if (!config.success || !credentials.success) {
    throw new ProviderError("Provider configuration is incomplete; edit the provider", true);
  }
  const ctx: AdapterContext<unknown, unknown> = {
    orgId: p.orgId,
    providerId: p.id,
    config: config.data,
    credentials: credentials.data,
    sender: p.sender,
  };
  if (adapter.channel === "email") return (adapter as EmailAdapter).send(ctx, buildEmail(m, p));
  return (adapter as SmsAdapter).send(ctx, buildSms(m, p));
}

function costOf(m: Message, p: Provider, result: SendResult): { cost: number; currency: string } {
  if (result.cost) return { cost: result.cost.amount, currency: result.cost.currency };
  const units = m.channel === "sms" ? (m.segments ?? 1) : 1;
  return { cost: Number((units * p.costPerUnit).toFixed(6)), currency: p.currency };
}

async function recordAttempt(
  db: Executor,
  m: Message,
  p: Provider,
  outcome: "success" | "failure",
  started: number,
  detail: { error?: string; response?: unknown },
) {
  await db.insert(messageAttempts).values({
    orgId: m.orgId,
    messageId: m.id,
    providerId: p.id,
    providerType: p.type,
    outcome,
    error: detail.error ?? null,
    response: detail.response ?? null,
    durationMs: Date.now() - started,
  });
}

/** What to do with a message found mid-send by a new run: the earlier run died during the provider call. */
async function resolveInterrupted(db: Executor, m: Message): Promise<Message | null> {
  if (m.campaignId) {
    // Campaigns re-send (at least once): every recipient gets the message; the
    // stable Message-ID lets mail systems recognise a repeat; the count shows on the campaign.
    await db
      .update(campaigns)
      .set({ inFlightAtCrash: sql`${campaigns.inFlightAtCrash} + 1` })
      .where(eq(campaigns.id, m.campaignId));
  }
  if (m.campaignId || RESEND_INTERRUPTED.has(m.category)) {
    await addMessageEvent(db, m.orgId, m.id, "interrupted", {
      action: "resend",
      reason: "process stopped during the provider call",
    });
    return m;
  }
  const error = "Interrupted during the provider call; held for review instead of risking a duplicate";
  await db
    .update(messages)
    .set({ status: "failed", error })
    .where(and(eq(messages.id, m.id), eq(messages.status, "sending")));
  await addMessageEvent(db, m.orgId, m.id, "failed", { reason: "interrupted", error });
  return null;
}

/**
 * Delivers one message through the organisation's providers of its channel in
 * priority order, skipping disabled ones, open circuits and those at their
 * daily limit; fails over on errors that may succeed elsewhere and stops on
 * errors that will fail everywhere. Every attempt is recorded.
 */
export async function deliverMessage(messageId: string): Promise<DeliveryOutcome> {
  const db = await getDb();
  const now = new Date();
  const [claimed] = await db
    .update(messages)
    .set({ status: "sending", sendingAt: now, attemptCount: sql`${messages.attemptCount} + 1` })
    .where(and(eq(messages.id, messageId), inArray(messages.status, ["queued", "scheduled"])))
    .returning();
  let m: Message | null | undefined = claimed;
  if (!m) {
    const [current] = await db.select().from(messages).where(eq(messages.id, messageId));
    if (!current) return { status: "skipped", reason: "message not found" };
    if (current.status !== "sending") return { status: "skipped", reason: `message is ${current.status}` };
    m = await resolveInterrupted(db, current);
    if (!m) return { status: "failed", error: "interrupted" };
  } else {
    await addMessageEvent(db, m.orgId, m.id, "sending");
  }

  // Consent may have been withdrawn since the message was accepted (schedules, retries).
  const verdict = (await consentChecker(db, m.orgId, m.channel, [m.to]))(m.to, m.category);
  if (!verdict.ok) {
    await db.update(messages).set({ status: "rejected", error: verdict.reason }).where(eq(messages.id, m.id));
    await addMessageEvent(db, m.orgId, m.id, "rejected", { reason: verdict.code, detail: verdict.reason });
    return { status: "failed", error: verdict.reason };
  }

  const candidates = (await listProviderRows(db, m.orgId, m.channel)).filter((p) => p.enabled);
  const skipped: string[] = [];
  let lastError: string | null = null;
  for (const p of candidates) {
    if (m.mediaUrls?.length && m.channel === "sms" && !(adapterFor(p.type) as SmsAdapter).supportsMms) {
      skipped.push(`${p.name}: no MMS`);
      continue;
    }
    if (!(await acquireCircuit(db, p))) {
      skipped.push(`${p.name}: circuit open`);
      continue;
    }
    if (!(await reserveDailySend(db, p))) {
      skipped.push(`${p.name}: daily limit reached`);
      continue;
    }
    const started = Date.now();
    try {
      const result = await callProvider(p, m);
      await recordAttempt(db, m, p, "success", started, { response: result.response });
      await recordCircuitSuccess(db, p.id);
      const { cost, currency } = costOf(m, p, result);
      await db
        .update(messages)
        .set({
          status: "sent",
          providerId: p.id,
          providerType: p.type,
          providerMessageId: result.providerMessageId,
          from:
            m.channel === "email" ? (p.sender.email ?? null) : (p.sender.phone ?? p.sender.sender_id ?? null),
          sentAt: new Date(),
          cost,
          currency,
          error: null,
        })
        .where(and(eq(messages.id, m.id), eq(messages.status, "sending")));
      await addMessageEvent(db, m.orgId, m.id, "sent", { provider_id: p.id, provider_type: p.type });
      return { status: "sent", providerId: p.id, providerMessageId: result.providerMessageId };
    } catch (e) {
      const err =
        e instanceof ProviderError ? e : new ProviderError(e instanceof Error ? e.message : String(e), true);
      await releaseDailySend(db, p.id);
      await recordAttempt(db, m, p, "failure", started, { error: err.message });
      lastError = `${p.name}: ${err.message}`;
      if (err.retryable) {
        await recordCircuitFailure(db, p, err.message);
        continue;
      }
      await db.update(messages).set({ status: "failed", error: err.message }).where(eq(messages.id, m.id));
      await addMessageEvent(db, m.orgId, m.id, "failed", { provider_id: p.id, error: err.message });
      return { status: "failed", error: err.message };
    }
  }
  const reason =
    lastError ??
    (skipped.length
      ? `No provider available (${skipped.join("; ")})`
      : "No enabled provider for this channel");
  await db.update(messages).set({ status: "queued", error: reason }).where(eq(messages.id, m.id));
  await addMessageEvent(db, m.orgId, m.id, "retrying", { error: reason });
  log.warn("message not sent; will retry", { messageId: m.id, reason });
  throw new NoProviderAvailable(reason);
}

/** After the last retry: the message is failed with the last reason. */
export async function markDeliveryFailed(messageId: string, error: string): Promise<void> {
  const db = await getDb();
  const [row] = await db
    .update(messages)
    .set({ status: "failed", error })
    .where(and(eq(messages.id, messageId), inArray(messages.status, ["queued", "sending", "scheduled"])))
    .returning({ orgId: messages.orgId });
  if (row) await addMessageEvent(db, row.orgId, messageId, "failed", { error, reason: "retries exhausted" });
}
